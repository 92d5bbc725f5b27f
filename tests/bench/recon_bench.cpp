// Reconciliation benchmark: a full run of 100k vendor contract lines against 1M
// P21 items (with their units and supplier costs), median of several runs.
// Prints one JSON object per case:
//   {"case": "recon_full", "lines": L, "items": I, "seconds": S, "exceptions": E, ...}
//   {"case": "recon_rerun", ...}   the same run again with its exceptions in place
//
//   recon_bench --dsn "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
//               [--lines 100000] [--items 1000000] [--runs 3]
//
// The P21 side is written straight into `records` by set-based SQL, shaped
// exactly as the apply engine leaves synced rows (entities and fields of
// config/p21-items.jsonc, children pointing at their item by parent_bk_hash);
// the apply engine's own speed is scripts/bench relay's business. The contract
// lines go through the upload path (CSV -> ingest_vendor_file). Mix: about 8%
// priced off the P21 cost, 5% by the case, 3% unknown part numbers, 2% expired,
// 1% not yet effective, 1% inactive items, 1% in a unit P21 lacks.
//
// "recon_full" times run() with no exception recorded yet, so every finding is
// a new exception (the most a run writes); before each timed run the previous
// run's exceptions are deleted. "recon_rerun" times the steady state: a run
// over the same data whose exceptions all exist already.
//
// "recon_new_tenant" is the shape of a tenant that joins a busy database: its
// P21 rows and a --new-lines vendor file (36k lines, about 2 MB, no part number
// known to P21, so every line becomes an exception) arrive after PostgreSQL
// last gathered statistics, which therefore know nothing of the tenant. On a
// big shared table a tenant's rows stay under autovacuum's 10% threshold for a
// long time (and a failed run's rows never commit), so the bench turns
// autovacuum off for its tables to keep that state. It times the tenant's
// first run (catalog build included) and "recon_new_tenant_rerun" the run after
// it; each run is capped by --case-timeout and reported as timed out past it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "relay/db/connection.hpp"
#include "relay/db/migrations.hpp"
#include "relay/recon/p21_catalog.hpp"
#include "relay/recon/recon.hpp"
#include "relay/sites/sites.hpp"
#include "relay/storage/local_blob_store.hpp"
#include "tests/bench/bench_db.hpp"

namespace {

using cs::bench::BenchDatabase;
using cs::bench::connect;
using cs::bench::must;
using cs::relay::db::Connection;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// P21 rows for `items` items: 100 suppliers "VENDOR-001".., inv_mast, an EA
// unit for every item plus CS = 12 for every fourth, one inventory_supplier
// row per item (part number P-<n>, supplier n % 100 + 1). Every 100th item is
// inactive; every fourth is bought (and costed) by the case.
void load_p21(Connection& conn, const std::string& tenant, const std::string& site,
              std::int64_t items, bool analyze = true) {
    auto p = [&] { return cs::relay::db::Params().text(tenant).text(site).integer(items); };
    const char* kRecord =
        "INSERT INTO records (tenant_id, site_id, entity, bk_hash, parent_bk_hash, data, "
        "data_hash, rowversion, last_sequence) ";
    must(conn.query("suppliers", std::string(kRecord) + R"sql(
        SELECT $1::uuid, $2::uuid, 'supplier', decode(md5('s' || n), 'hex'), NULL,
               jsonb_build_object('supplier_id', n, 'supplier_name', 'Vendor-' || lpad(n::text, 3, '0'),
                                  'active', true),
               decode(md5('sd' || n), 'hex'), 'rv', 1
        FROM generate_series(1, 100) n WHERE $3::bigint > 0)sql",
                    p()),
         "loading suppliers");
    must(conn.query("items", std::string(kRecord) + R"sql(
        SELECT $1::uuid, $2::uuid, 'inv_mast', decode(md5('i' || n), 'hex'), NULL,
               jsonb_build_object('inv_mast_uid', n, 'item_id', 'ITEM-' || lpad(n::text, 7, '0'),
                   'item_desc', (ARRAY['Hex bolt', 'Flat washer', 'Ball valve', 'PVC pipe',
                                       'Nitrile gloves', 'Painter tape', 'Cable tie',
                                       'Hose clamp'])[n % 8 + 1] || ' size ' || (n % 997)
                                || ' grade ' || (n % 13) || ' lot ' || n,
                   'default_purchasing_unit', CASE WHEN n % 4 = 0 THEN 'CS' ELSE 'EA' END,
                   'list_price', round((n % 5000) / 100.0 + 1, 4),
                   'active', n % 100 <> 0),
               decode(md5('id' || n), 'hex'), 'rv', 1
        FROM generate_series(1, $3::bigint) n)sql",
                    p()),
         "loading items");
    must(conn.query("units", std::string(kRecord) + R"sql(
        SELECT $1::uuid, $2::uuid, 'item_uom', decode(md5('u' || n || u.unit), 'hex'),
               decode(md5('i' || n), 'hex'),
               jsonb_build_object('item_uom_uid', n * 2 + u.k, 'inv_mast_uid', n,
                                  'unit_of_measure', u.unit, 'unit_size', u.size, 'active', true),
               decode(md5('ud' || n || u.unit), 'hex'), 'rv', 1
        FROM generate_series(1, $3::bigint) n
        CROSS JOIN (VALUES (0, 'EA', 1), (1, 'CS', 12)) u(k, unit, size)
        WHERE u.unit = 'EA' OR n % 4 = 0)sql",
                    p()),
         "loading units");
    must(conn.query("costs", std::string(kRecord) + R"sql(
        SELECT $1::uuid, $2::uuid, 'inventory_supplier', decode(md5('c' || n), 'hex'),
               decode(md5('i' || n), 'hex'),
               jsonb_build_object('inventory_supplier_uid', n, 'inv_mast_uid', n,
                                  'supplier_id', n % 100 + 1,
                                  'supplier_part_no', 'P-' || lpad(n::text, 7, '0'),
                                  'cost', round(((n % 5000) + 100) / 100.0
                                                * CASE WHEN n % 4 = 0 THEN 12 ELSE 1 END, 4),
                                  'active', true),
               decode(md5('cd' || n), 'hex'), 'rv', 1
        FROM generate_series(1, $3::bigint) n)sql",
                    p()),
         "loading costs");
    // The stream the rows came in on, as the apply engine records it: the
    // catalog reads change_log from its position onwards.
    must(conn.query("stream", R"sql(
        WITH s AS (
            INSERT INTO streams (tenant_id, stream_id, site_id, last_sequence, last_applied_at)
            VALUES ($1::uuid, gen_random_uuid(), $2::uuid, 1, now()) RETURNING stream_id)
        INSERT INTO applied_change_sets (tenant_id, stream_id, sequence, site_id, entity, run_id,
            content_digest, row_count, rows_changed, rows_parked)
        SELECT $1::uuid, stream_id, 1, $2::uuid, 'inv_mast', 'bench', '\x00', $3::int, $3::int, 0
        FROM s)sql",
                    p()),
         "loading the stream");
    // As autovacuum would have left synced rows: visibility map set, statistics current.
    if (analyze) {
        must(conn.exec("vacuum", "VACUUM ANALYZE records"), "vacuum");
    }
}

// The cost per EA of item n, as load_p21 wrote it: ((n % 5000) + 100) / 100.
std::string unit_cost(std::int64_t n, int cents_off = 0) {
    std::int64_t cents = (n % 5000) + 100 + cents_off;
    return fmt::format("{}.{:02}", cents / 100, cents % 100);
}

std::string contract_csv(std::int64_t lines, std::int64_t items) {
    std::string csv = "Vendor,Contract #,Item ID,Description,UOM,Price,Start,End\n";
    csv.reserve(static_cast<std::size_t>(lines) * 80);
    for (std::int64_t i = 0; i < lines; ++i) {
        // Spread lines over the item range.
        std::int64_t n = 1 + (i * 7919) % items;
        std::string vendor = fmt::format("vendor-{:03}", n % 100 + 1);
        std::string part = fmt::format("P-{:07}", n);
        std::string uom = "EA";
        std::string price = unit_cost(n);
        std::string start = "2026-01-01";
        std::string end = "2026-12-31";
        std::int64_t kind = i % 100;
        if (kind < 8) {
            price = unit_cost(n, static_cast<int>(1 + n % 50));  // off the P21 cost
        } else if (kind < 13) {
            uom = "CS";  // by the case: 12 x the unit cost (every item has CS when n % 4 == 0)
            n = n - n % 4 + 4 > items ? 4 : n - n % 4 + 4;
            part = fmt::format("P-{:07}", n);
            vendor = fmt::format("vendor-{:03}", n % 100 + 1);
            std::int64_t cents = ((n % 5000) + 100) * 12;
            price = fmt::format("{}.{:02}", cents / 100, cents % 100);
        } else if (kind < 16) {
            part = fmt::format("UNKNOWN-{}", i);
        } else if (kind < 18) {
            end = "2026-01-31";
        } else if (kind < 19) {
            start = "2026-06-01";
        } else if (kind < 20) {
            n = n - n % 100 + 100 > items ? 100 : n - n % 100 + 100;  // inactive
            part = fmt::format("P-{:07}", n);
            vendor = fmt::format("vendor-{:03}", n % 100 + 1);
            price = unit_cost(n);
        } else if (kind < 21) {
            uom = "PL";
        }
        // Lines moved to another item get a contract of their own, so no two
        // lines share vendor, contract, item and UOM.
        std::string contract =
            n == 1 + (i * 7919) % items ? fmt::format("C-{}", i % 50) : fmt::format("X-{}", i);
        csv += fmt::format("{},{},{},Item {},{},{},{},{}\n", vendor, contract, part, i, uom, price,
                           start, end);
    }
    return csv;
}

// A vendor file of a tenant whose P21 knows none of the part numbers: every
// line is a MISSING_MAPPING exception. Ten vendors, one contract each.
std::string unmapped_csv(std::int64_t lines) {
    std::string csv = "Vendor,Contract #,Item ID,Description,UOM,Price,Start,End\n";
    for (std::int64_t i = 0; i < lines; ++i) {
        csv +=
            fmt::format("vendor-{:03},N-{},NEW-{:07},Item {},EA,{}.{:02},2026-01-01,2026-12-31\n",
                        i % 10 + 1, i % 10, i, i, 1 + i % 90, i % 100);
    }
    return csv;
}

struct TimedRuns {
    std::vector<double> seconds;
    bool timed_out = false;
    std::string error;  // the statement that ran out of time
    cs::relay::recon::RunSummary last;
};

// One run of `tenant`; a run past the connection's statement_timeout counts as
// timed out (the bench goes on) rather than failing the bench.
bool timed_run(Connection& conn, const std::string& tenant,
               const cs::relay::recon::RunOptions& options, TimedRuns& out) {
    auto start = Clock::now();
    auto summary = cs::relay::recon::run(conn, tenant, options);
    out.seconds.push_back(seconds_since(start));
    if (!summary) {
        if (summary.error().message.find("statement timeout") == std::string::npos) {
            throw std::runtime_error("run: " + summary.error().message);
        }
        out.timed_out = true;
        out.error = summary.error().message;
        return false;
    }
    out.last = std::move(*summary);
    return true;
}

// The "recon_new_tenant" cases (see the top of this file).
std::pair<TimedRuns, TimedRuns> bench_new_tenant(Connection& conn, const std::string& blob_dir,
                                                 std::int64_t lines, std::int64_t items, int runs,
                                                 int case_timeout_s) {
    // Statistics as a busy database has them: current for everyone so far.
    must(conn.exec("analyze", "ANALYZE"), "analyze");
    for (const char* table :
         {"records", "recon_p21_items", "recon_p21_units", "recon_p21_costs", "recon_p21_suppliers",
          "recon_contract_lines", "recon_exceptions", "recon_exception_events", "recon_mappings"}) {
        must(conn.exec("autovacuum off",
                       fmt::format("ALTER TABLE {} SET (autovacuum_enabled = false)", table)),
             "autovacuum off");
    }
    auto tenant = must(cs::relay::sites::create_tenant(conn, "newcomer"), "tenant");
    auto site = must(cs::relay::sites::create_site(conn, tenant.tenant_id, "p21"), "site");
    load_p21(conn, tenant.tenant_id, site.site.site_id, items, false);
    auto store = must(cs::relay::storage::LocalBlobStore::open(blob_dir), "blob store");
    std::string csv = unmapped_csv(lines);
    cs::relay::recon::VendorUpload upload{"newcomer.csv", csv, {}, {}};
    upload.options.limits.max_lines = static_cast<std::size_t>(lines) + 1;
    must(cs::relay::recon::ingest_vendor_file(conn, *store, tenant.tenant_id, upload), "ingest");
    must(conn.exec("cap", fmt::format("SET statement_timeout = '{}s'", case_timeout_s)), "cap");
    cs::relay::recon::RunOptions options;
    options.as_of = cs::Date::parse_iso("2026-03-01").value();
    TimedRuns first;
    TimedRuns rerun;
    auto p = cs::relay::db::Params().text(tenant.tenant_id);
    for (int r = 0; r < runs; ++r) {
        // Back to a tenant that never ran: no exceptions, no catalog.
        for (const char* table :
             {"recon_exceptions", "recon_p21_items", "recon_p21_units", "recon_p21_costs",
              "recon_p21_suppliers", "recon_p21_marks", "recon_state", "recon_p21_refreshes"}) {
            must(conn.query("reset",
                            fmt::format("DELETE FROM {} WHERE tenant_id = $1::uuid", table), p),
                 "reset");
        }
        if (timed_run(conn, tenant.tenant_id, options, first)) {
            timed_run(conn, tenant.tenant_id, options, rerun);
        }
        if (first.timed_out || rerun.timed_out) {
            break;  // the same shape again would only time out again
        }
    }
    must(conn.exec("uncap", "SET statement_timeout = 0"), "uncap");
    return {first, rerun};
}

nlohmann::json timed_json(const char* name, const TimedRuns& t, std::int64_t lines,
                          std::int64_t items) {
    nlohmann::json out = {{"case", name},
                          {"lines", lines},
                          {"items", items},
                          {"runs", t.seconds},
                          {"timed_out", t.timed_out}};
    if (!t.seconds.empty()) {
        std::vector<double> v = t.seconds;
        std::sort(v.begin(), v.end());
        out["seconds"] = std::round(v[v.size() / 2] * 1000) / 1000;
    }
    if (t.timed_out) {
        out["error"] = t.error;
    } else if (!t.seconds.empty()) {
        out["exceptions"] = t.last.open_after;
        out["last_run_steps"] = t.last.step_seconds;
    }
    return out;
}

// The 1-minute load average: other work on the machine slows every figure.
double load_average() {
    double load = -1;
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1) {
            load = -1;
        }
        std::fclose(f);
    }
    return load;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Reconciliation benchmark"};
    std::string dsn;
    std::int64_t lines = 100'000;
    std::int64_t items = 1'000'000;
    int runs = 3;
    bool keep = false;
    std::string reuse;
    std::int64_t new_lines = 36'000;
    std::int64_t new_items = 100'000;
    int case_timeout = 600;
    app.add_option("--dsn", dsn, "PostgreSQL cluster (a database is created and dropped)")
        ->required();
    app.add_option("--lines", lines, "contract lines");
    app.add_option("--items", items, "P21 items");
    app.add_option("--runs", runs, "timed runs (median reported)");
    app.add_flag("--keep", keep, "keep the database afterwards (for EXPLAIN); prints its name");
    app.add_option("--reuse", reuse, "time runs on a database kept earlier (skips loading)");
    app.add_option("--new-lines", new_lines, "recon_new_tenant: the new tenant's contract lines");
    app.add_option("--new-items", new_items, "recon_new_tenant: the new tenant's P21 items");
    app.add_option("--case-timeout", case_timeout,
                   "recon_new_tenant: seconds a run may take before it counts as timed out");
    CLI11_PARSE(app, argc, argv);
    try {
        BenchDatabase database(dsn,
                               reuse.empty() ? fmt::format("cs_bench_recon_{}", ::getpid()) : reuse,
                               !reuse.empty());
        database.keep = database.keep || keep;
        auto conn = connect(database.dsn);
        auto start = Clock::now();
        double load_seconds = 0;
        double catalog_seconds = 0;
        double ingest_seconds = 0;
        cs::relay::sites::Tenant tenant;
        std::string blob_dir = fmt::format("/tmp/cs-recon-bench-{}", ::getpid());
        if (!reuse.empty()) {
            auto r =
                must(conn->query("tenant", "SELECT tenant_id FROM tenants WHERE name = 'bench'"),
                     "tenant");
            tenant.tenant_id = std::string(r.text(0, 0));
        } else {
            must(cs::relay::db::run_migrations(*conn), "migrations");
            tenant = must(cs::relay::sites::create_tenant(*conn, "bench"), "tenant");
            auto site = must(cs::relay::sites::create_site(*conn, tenant.tenant_id, "p21"), "site");

            load_p21(*conn, tenant.tenant_id, site.site.site_id, items);
            load_seconds = seconds_since(start);
            // What the first run after a large sync does, measured on its own:
            // reduce the synced P21 rows to the catalog reconciliation reads.
            start = Clock::now();
            auto catalog =
                must(cs::relay::recon::refresh_p21_catalog(*conn, tenant.tenant_id), "catalog");
            catalog_seconds = seconds_since(start);
            if (!catalog.full) {
                throw std::runtime_error("the first catalog refresh must be a rebuild");
            }
            must(conn->exec("analyze",
                            "VACUUM ANALYZE recon_p21_items, recon_p21_units, "
                            "recon_p21_costs, recon_p21_suppliers"),
                 "analyze");

            auto store = must(cs::relay::storage::LocalBlobStore::open(blob_dir), "blob store");
            std::string csv = contract_csv(lines, items);
            cs::relay::recon::VendorUpload upload{"contracts.csv", csv, {}, {}};
            upload.options.limits.max_lines = static_cast<std::size_t>(lines) + 1;
            start = Clock::now();
            auto ingest =
                must(cs::relay::recon::ingest_vendor_file(*conn, *store, tenant.tenant_id, upload),
                     "ingest");
            ingest_seconds = seconds_since(start);
            if (ingest.file.lines_accepted != static_cast<std::uint64_t>(lines)) {
                throw std::runtime_error(
                    fmt::format("{} of {} lines accepted", ingest.file.lines_accepted, lines));
            }
            must(conn->exec("analyze", "ANALYZE recon_contract_lines"), "analyze");
        }

        cs::relay::recon::RunOptions options;
        options.as_of = cs::Date::parse_iso("2026-03-01").value();
        std::vector<double> full;
        std::vector<double> rerun;
        std::int64_t exceptions = 0;
        std::int64_t mapped = 0;
        std::map<std::string, std::int64_t> findings;
        std::map<std::string, double> steps;
        for (int r = 0; r < runs; ++r) {
            must(conn->exec("reset", "TRUNCATE recon_exception_events, recon_exceptions"), "reset");
            start = Clock::now();
            auto summary = must(cs::relay::recon::run(*conn, tenant.tenant_id, options), "run");
            full.push_back(seconds_since(start));
            exceptions = summary.open_after;
            mapped = summary.lines_mapped;
            findings = summary.findings;
            steps = summary.step_seconds;
            if (summary.opened != summary.open_after) {
                throw std::runtime_error("a full run must open every exception it finds");
            }
            start = Clock::now();
            auto again = must(cs::relay::recon::run(*conn, tenant.tenant_id, options), "rerun");
            rerun.push_back(seconds_since(start));
            if (again.opened != 0 || again.still_open != exceptions) {
                throw std::runtime_error("a rerun over unchanged data must keep every exception");
            }
        }
        std::pair<TimedRuns, TimedRuns> newcomer;
        if (reuse.empty()) {
            newcomer = bench_new_tenant(*conn, blob_dir, new_lines, new_items, runs, case_timeout);
        }
        double load = load_average();
        std::filesystem::remove_all(blob_dir);
        nlohmann::json by_rule = findings;
        std::printf(
            "%s\n",
            nlohmann::json{{"case", "recon_full"},
                           {"lines", lines},
                           {"items", items},
                           {"seconds", std::round(median(full) * 1000) / 1000},
                           {"exceptions", exceptions},
                           {"lines_mapped", mapped},
                           {"findings", by_rule},
                           {"last_run_steps", steps},
                           {"runs", full},
                           {"p21_load_seconds", std::round(load_seconds * 10) / 10},
                           {"catalog_build_seconds", std::round(catalog_seconds * 100) / 100},
                           {"ingest_seconds", std::round(ingest_seconds * 1000) / 1000},
                           {"load_average_1m", load}}
                .dump()
                .c_str());
        std::printf("%s\n", nlohmann::json{{"case", "recon_rerun"},
                                           {"lines", lines},
                                           {"items", items},
                                           {"seconds", std::round(median(rerun) * 1000) / 1000},
                                           {"exceptions", exceptions},
                                           {"runs", rerun}}
                                .dump()
                                .c_str());
        if (reuse.empty()) {
            std::printf("%s\n", timed_json("recon_new_tenant", newcomer.first, new_lines, new_items)
                                    .dump()
                                    .c_str());
            std::printf("%s\n",
                        timed_json("recon_new_tenant_rerun", newcomer.second, new_lines, new_items)
                            .dump()
                            .c_str());
        }
        std::fflush(stdout);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "recon_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
