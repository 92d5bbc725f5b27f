// Relay apply benchmark: 1M changed rows applied through the apply engine versus
// a plain COPY of the same rows into a table with the same primary key, on the
// same cluster, median of several runs. Prints one JSON object per case:
//   {"case": "apply", "seconds": S, "baseline_seconds": B, "ratio": S/B, ...}
//
//   relay_apply_bench --dsn "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//                     [--rows 1000000] [--set-rows 10000] [--runs 3]
//
// Each run uses a fresh database (created and dropped here). The frames are
// encoded (and zstd-compressed) up front, as the agent's outbox holds them; the
// timed apply covers decoding, validation, staging and the set-based statements,
// with decoding of the next set overlapping the apply of the current one, as in
// a relay session. The baseline COPYs exactly the rows the apply produced.
//
// "seconds" and "baseline_seconds" are medians over the runs; "ratio" is the
// median of each run's own ratio, since the baseline is measured right after the
// apply it is compared with and so sees the same load on a shared machine.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "common/wire/codec.hpp"
#include "relay/apply/engine.hpp"
#include "relay/db/connection.hpp"
#include "relay/db/migrations.hpp"
#include "relay/sites/sites.hpp"
#include "tests/bench/bench_db.hpp"
#include "tests/relay/support/source_model.hpp"

namespace {

using cs::bench::BenchDatabase;
using cs::bench::connect;
using cs::bench::must;
using cs::relay::db::Connection;
using Clock = std::chrono::steady_clock;

// Unwinds (so the run's database is dropped) and ends main() with status 1.
[[noreturn]] void die(const std::string& what) {
    throw std::runtime_error(what);
}

// Applies frames in order; a second thread prepares (decodes) ahead by a bounded amount.
double timed_apply(Connection& conn, const cs::relay::apply::SiteRef& site,
                   const std::vector<std::string>& frames, std::uint64_t& rows_changed) {
    std::mutex m;
    std::condition_variable cv;
    std::deque<cs::relay::apply::PreparedChangeSet> ready;
    constexpr std::size_t kAhead = 2;
    auto start = Clock::now();
    std::thread preparer([&] {
        for (const auto& frame : frames) {
            auto prepared = must(cs::relay::apply::prepare(frame, {}, site), "prepare");
            std::unique_lock lock(m);
            cv.wait(lock, [&] { return ready.size() < kAhead; });
            ready.push_back(std::move(prepared));
            cv.notify_all();
        }
    });
    cs::relay::apply::Applier applier(conn);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        cs::relay::apply::PreparedChangeSet set;
        {
            std::unique_lock lock(m);
            cv.wait(lock, [&] { return !ready.empty(); });
            set = std::move(ready.front());
            ready.pop_front();
            cv.notify_all();
        }
        auto outcome = must(applier.apply(site, set), "apply");
        if (outcome.verdict != cs::relay::apply::Verdict::applied) {
            die(fmt::format("change set {} was {}: {}", set.sequence, to_string(outcome.verdict),
                            outcome.error));
        }
        rows_changed += outcome.rows_changed();
    }
    preparer.join();
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string copy_out(Connection& conn, const std::string& sql) {
    auto* pg = conn.native();
    cs::relay::db::Result start(PQexec(pg, sql.c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_OUT) {
        die(fmt::format("copy out: {}", PQerrorMessage(pg)));
    }
    std::string out;
    char* buffer = nullptr;
    int n = 0;
    while ((n = PQgetCopyData(pg, &buffer, 0)) > 0) {
        out.append(buffer, static_cast<std::size_t>(n));
        PQfreemem(buffer);
    }
    while (PGresult* r = PQgetResult(pg)) {
        PQclear(r);
    }
    return out;
}

// COPY of the same rows into an empty table with the records table's columns and key.
double timed_baseline(Connection& conn, const std::string& format) {
    must(conn.exec("baseline table",
                   "DROP TABLE IF EXISTS baseline; CREATE TABLE baseline (LIKE records "
                   "INCLUDING DEFAULTS); ALTER TABLE baseline ADD PRIMARY KEY (tenant_id, "
                   "site_id, entity, bk_hash)"),
         "baseline table");
    auto data = copy_out(conn, fmt::format("COPY records TO STDOUT (FORMAT {})", format));
    must(conn.exec("checkpoint", "CHECKPOINT"), "checkpoint");
    auto start = Clock::now();
    must(conn.copy_in("baseline copy", fmt::format("COPY baseline FROM STDIN (FORMAT {})", format),
                      data),
         "baseline copy");
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void print_case(const char* name, const std::vector<double>& s, const std::vector<double>& b,
                std::size_t rows, std::size_t sets) {
    double ms = median(s);
    double mb = median(b);
    std::vector<double> ratios;
    for (std::size_t i = 0; i < s.size() && i < b.size(); ++i) {
        ratios.push_back(s[i] / b[i]);
    }
    std::printf(
        "{\"case\": \"%s\", \"seconds\": %.3f, \"baseline_seconds\": %.3f, \"ratio\": %.3f, "
        "\"rows\": %zu, \"change_sets\": %zu, \"runs\": %zu}\n",
        name, ms, mb, median(ratios), rows, sets, s.size());
    std::fflush(stdout);
}

}  // namespace

int run(int argc, char** argv);

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "relay_apply_bench: %s\n", e.what());
        return 1;
    }
}

int run(int argc, char** argv) {
    CLI::App app{"Relay apply vs plain COPY benchmark", "relay_apply_bench"};
    std::string dsn;
    std::size_t rows = 1'000'000;
    std::size_t set_rows = 10'000;
    int runs = 3;
    std::string format = "binary";
    bool updates = true;
    bool prepare_only = false;
    app.add_option("--dsn", dsn, "libpq DSN of the cluster (a database is created per run)")
        ->required();
    app.add_option("--rows", rows, "changed rows per case");
    app.add_option("--set-rows", set_rows, "rows per change set");
    app.add_option("--runs", runs, "runs per case (the median is reported)")
        ->check(CLI::Range(1, 99));
    app.add_option("--baseline-format", format, "COPY format of the baseline")
        ->check(CLI::IsMember({"binary", "text"}));
    app.add_flag("!--no-update-case", updates, "skip the case where every row changes again");
    app.add_flag("--prepare-only", prepare_only,
                 "only time the relay-side preparation (no database), for profiling");
    CLI11_PARSE(app, argc, argv);

    std::string stream = cs::uuid_v7().to_string();
    std::uint64_t next = 1;
    cs::relay::testing::SourceModel source("inventory_supplier", cs::relay::testing::item_schema());
    for (std::uint64_t i = 0; i < rows; ++i) {
        source.put(cs::relay::testing::item_row(i, 1));
    }
    auto inserts = source.take_frames(stream, next, set_rows);
    for (std::uint64_t i = 0; i < rows; ++i) {
        source.put(cs::relay::testing::item_row(i, 2));
    }
    auto changes = source.take_frames(stream, next, set_rows);
    std::fprintf(stderr, "relay_apply_bench: %zu rows in %zu + %zu change sets\n", rows,
                 inserts.size(), changes.size());
    {
        // Relay-side CPU alone (decode, validate, render COPY payloads), for the record.
        cs::relay::apply::SiteRef dummy{cs::uuid_v7().to_string(), cs::uuid_v7().to_string()};
        auto start = Clock::now();
        for (const auto& frame : inserts) {
            (void)must(cs::relay::apply::prepare(frame, {}, dummy), "prepare");
        }
        if (prepare_only) {
            for (int again = 0; again < 4; ++again) {  // let a profiler see mostly this
                for (const auto& frame : inserts) {
                    (void)must(cs::relay::apply::prepare(frame, {}, dummy), "prepare");
                }
            }
        }
        std::fprintf(stderr, "relay_apply_bench: preparing the inserts alone takes %.2fs\n",
                     std::chrono::duration<double>(Clock::now() - start).count());
    }
    if (prepare_only) {
        auto start = Clock::now();
        for (const auto& frame : inserts) {
            (void)must(cs::wire::decode(frame, {}), "decode");
        }
        std::fprintf(stderr, "relay_apply_bench: decoding alone takes %.2fs\n",
                     std::chrono::duration<double>(Clock::now() - start).count());
        return 0;
    }

    std::vector<double> insert_s, update_s, baseline_s;
    for (int run = 0; run < runs; ++run) {
        BenchDatabase db(dsn, fmt::format("cs_bench_{}_{}", ::getpid(), run));
        auto conn = connect(db.dsn);
        must(cs::relay::db::run_migrations(*conn), "migrations");
        auto tenant = must(cs::relay::sites::create_tenant(*conn, "bench"), "tenant");
        auto site = must(cs::relay::sites::create_site(*conn, tenant.tenant_id, "bench"), "site");
        cs::relay::apply::SiteRef ref{site.site.tenant_id, site.site.site_id};
        must(conn->exec("checkpoint", "CHECKPOINT"), "checkpoint");
        std::uint64_t changed = 0;
        insert_s.push_back(timed_apply(*conn, ref, inserts, changed));
        if (updates) {
            must(conn->exec("checkpoint", "CHECKPOINT"), "checkpoint");
            update_s.push_back(timed_apply(*conn, ref, changes, changed));
        }
        if (changed != rows * (updates ? 2 : 1)) {
            die(fmt::format("expected {} changed rows, the relay reported {}",
                            rows * (updates ? 2 : 1), changed));
        }
        baseline_s.push_back(timed_baseline(*conn, format));
        std::fprintf(stderr, "run %d: apply %.2fs%s, baseline COPY %.2fs\n", run + 1,
                     insert_s.back(),
                     updates ? fmt::format(", update {:.2f}s", update_s.back()).c_str() : "",
                     baseline_s.back());
    }
    print_case("apply", insert_s, baseline_s, rows, inserts.size());
    if (updates) {
        print_case("apply_update", update_s, baseline_s, rows, changes.size());
    }
    return 0;
}
