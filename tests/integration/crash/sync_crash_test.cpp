// The agent killed with SIGKILL at random points of a 200k-row sync must, once
// restarted, converge to exactly what an uninterrupted run produces: the same
// entity state, the same changes in the outbox (none lost, none twice), and
// sequence numbers that were never handed out twice.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include "agent/outbox/outbox.hpp"
#include "agent/store/state_db.hpp"
#include "common/wire/codec.hpp"
#include "tests/agent/agent_test_support.hpp"
#include "tests/agent/ship/child_process.hpp"

namespace cs::agent {
namespace {

using namespace std::chrono_literals;
using ship::testing::ChildProcess;
using ship::testing::run_program;

const std::filesystem::path kAgent =
    std::filesystem::path(CS_BINARY_DIR) / "agent" / "contractsync-agent";
constexpr int kRows = 200'000;

// A vendor contract file: `changed_every` rows get a new price, and rows whose
// index is a multiple of `dropped_every` are left out (deletes on a re-sync).
void write_contract_csv(const std::filesystem::path& path, int changed_every, int dropped_every) {
    std::ofstream out(path.string() + ".tmp", std::ios::binary);
    out << "Item ID,Description,Vendor,Price,Qty,Updated\n";
    for (int i = 0; i < kRows; ++i) {
        if (dropped_every > 0 && i % dropped_every == 0) {
            continue;
        }
        const int cents = 100 + (i * 37) % 90'000 + (changed_every > 0 && i % changed_every == 0);
        out << fmt::format(
            "ITM-{:07},\"Part {}, \"\"grade {}\"\"\",V{:03},\"${:},{:03}.{:02}\",{},"
            "2026-0{}-1{} 0{}:15\n",
            i, i, i % 7, i % 40, cents / 100'000, (cents / 100) % 1000, cents % 100, i % 500,
            1 + i % 9, i % 10, i % 10);
    }
    out.close();
    std::filesystem::rename(path.string() + ".tmp", path);
}

void write_config(const std::filesystem::path& dir) {
    std::ofstream(dir / "agent.json") << R"({
  "agent": { "state_dir": "state", "log": { "level": "warn" } },
  "sources": { "drop": { "type": "folder", "path": "drop", "stable_for": "0s" } },
  "entities": [{
    "name": "contract_lines", "source": "drop", "key": ["item_id"], "rowversion": "updated_at",
    "change_set_rows": 5000,
    "normalize": { "dates": { "formats": ["YYYY-MM-DD HH:mm"], "timezone": "America/Chicago" } },
    "fields": [
      { "name": "item_id", "from": "Item ID", "required": true },
      { "name": "description", "from": "Description" },
      { "name": "vendor_id", "from": "Vendor", "transforms": ["lower"] },
      { "name": "price", "from": "Price", "type": "decimal", "scale": 2 },
      { "name": "qty", "from": "Qty", "type": "integer" },
      { "name": "updated_at", "from": "Updated", "type": "timestamp" }
    ]
  }]
})";
}

// Everything a sync leaves behind that must not depend on crashes.
struct Outcome {
    std::map<std::string, std::string> state;  // bk_hash -> data_hash
    // (op, bk_hash, data_hash) of every change in the outbox, sorted.
    std::vector<std::tuple<int, std::string, std::string>> changes;
    std::vector<std::uint64_t> sequences;  // in outbox order
};

std::string hex(const Hash128& h) {
    return h.to_hex();
}

Outcome read_outcome(const std::filesystem::path& dir) {
    Outcome outcome;
    auto store = StateDb::open(dir / "state" / "state.db");
    EXPECT_TRUE(store) << (store ? "" : store.error().message);
    if (!store) {
        return outcome;
    }
    auto entity = store->find_entity("contract_lines");
    EXPECT_TRUE(entity && entity->has_value());
    if (!entity || !entity->has_value()) {
        return outcome;
    }
    auto rows = store->db().prepare(fmt::format("SELECT hex(bk), hex(data_hash) FROM {}",
                                                StateDb::state_table((*entity)->entity_id)));
    EXPECT_TRUE(rows) << (rows ? "" : rows.error().message);
    while (rows) {
        auto more = rows->step();
        EXPECT_TRUE(more) << (more ? "" : more.error().message);
        if (!more || !*more) {
            break;
        }
        outcome.state.emplace(rows->column_text(0), rows->column_text(1));
    }
    Outbox outbox(store->db());
    std::uint64_t after = 0;
    while (true) {
        auto batch = outbox.pending(after, 64);
        EXPECT_TRUE(batch) << (batch ? "" : batch.error().message);
        if (!batch || batch->empty()) {
            break;
        }
        for (const auto& entry : *batch) {
            outcome.sequences.push_back(entry.sequence);
            auto decoded = wire::decode(entry.frame);
            EXPECT_TRUE(decoded) << "change set " << entry.sequence << ": "
                                 << (decoded ? "" : decoded.error().message);
            if (!decoded) {
                continue;
            }
            EXPECT_EQ(decoded->set.sequence, entry.sequence);
            for (const auto& row : decoded->set.rows) {
                outcome.changes.emplace_back(static_cast<int>(row.op), hex(row.bk_hash),
                                             hex(row.data_hash));
            }
            after = entry.sequence;
        }
    }
    std::sort(outcome.changes.begin(), outcome.changes.end());
    return outcome;
}

void expect_sequences_never_reused(const Outcome& outcome) {
    for (std::size_t i = 1; i < outcome.sequences.size(); ++i) {
        ASSERT_LT(outcome.sequences[i - 1], outcome.sequences[i])
            << "sequence numbers must strictly increase in the outbox";
    }
}

// Rows in the outbox of the store at `db`, read without writing (the agent
// may be committing at the same moment: WAL lets a reader in).
std::int64_t outbox_rows(const std::filesystem::path& db) {
    sqlite3* handle = nullptr;
    std::int64_t rows = 0;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(handle, 1000);
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(handle, "SELECT coalesce(sum(row_count), 0) FROM outbox", -1, &stmt,
                               nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            rows = sqlite3_column_int64(stmt, 0);
        }
        sqlite3_finalize(stmt);
    }
    sqlite3_close(handle);
    return rows;
}

// Runs `sync` to completion, killing it with SIGKILL a few times first. Each
// kill waits for the agent to commit a random share of the changes still to
// come (`total_rows` is what the outbox holds once the file is done), plus a
// few milliseconds, so kills
// land inside reading, normalizing and committing whatever the machine's
// speed. Returns how many kills hit an agent that was still working.
int sync_with_kills(const std::filesystem::path& dir, std::mt19937& rng, int kills,
                    std::int64_t total_rows) {
    const std::string config = (dir / "agent.json").string();
    const auto db = dir / "state" / "state.db";
    std::uniform_int_distribution<int> jitter_ms(0, 30);
    int landed = 0;
    for (int k = 0; k < kills; ++k) {
        const std::int64_t base = outbox_rows(db);
        const std::int64_t remaining = total_rows - base;
        if (remaining < 4) {
            break;
        }
        // Small shares: the agent commits every few change sets, and each kill
        // should still leave commits to come for the next one.
        std::uniform_int_distribution<std::int64_t> share(1,
                                                          std::max<std::int64_t>(1, remaining / 4));
        const std::int64_t target = base + share(rng);
        ChildProcess agent(kAgent, {"sync", "--config", config}, dir, fmt::format("kill-{}", k));
        const auto deadline = std::chrono::steady_clock::now() + 2min;
        bool exited = false;
        while (std::chrono::steady_clock::now() < deadline && outbox_rows(db) < target) {
            if (agent.wait(std::chrono::milliseconds(1)) != -1) {
                exited = true;  // finished before the target: this file is done
                break;
            }
        }
        if (exited) {
            break;
        }
        // A little later still, so kills do not all land right after a commit.
        std::this_thread::sleep_for(std::chrono::milliseconds(jitter_ms(rng)));
        agent.signal(SIGKILL);
        if (agent.wait(30s) == 128 + SIGKILL) {
            ++landed;
        }
    }
    auto [rc, out] = run_program(kAgent, {"sync", "--config", config}, dir, {}, 5min);
    EXPECT_EQ(rc, 0) << out;
    return landed;
}

class SyncCrashTest : public ::testing::Test {
protected:
    void SetUp() override {
        for (const auto* name : {"reference", "crashed"}) {
            std::filesystem::create_directories(dir_ / name / "drop");
            write_config(dir_ / name);
        }
        write_contract_csv(dir_.path() / "first.csv", 0, 0);
        write_contract_csv(dir_.path() / "second.csv", 50, 199);
    }
    void drop(const std::string& file, const std::string& into) {
        std::filesystem::copy_file(dir_.path() / file, dir_ / into / "drop" / file);
    }
    testing::TempDir dir_;
};

TEST_F(SyncCrashTest, KilledAtRandomPointsConvergesToTheUninterruptedOutcome) {
    ASSERT_TRUE(std::filesystem::exists(kAgent)) << kAgent << " is not built";
    const auto reference_dir = dir_ / "reference";
    const auto crashed_dir = dir_ / "crashed";
    const std::string reference_config = (reference_dir / "agent.json").string();

    // The uninterrupted run: a first sync and a re-sync with updates and deletes.
    std::vector<std::int64_t> outbox_after;  // outbox rows once each file is done
    for (const auto* file : {"first.csv", "second.csv"}) {
        drop(file, "reference");
        auto [rc, out] =
            run_program(kAgent, {"sync", "--config", reference_config}, reference_dir, {}, 5min);
        ASSERT_EQ(rc, 0) << out;
        outbox_after.push_back(outbox_rows(reference_dir / "state" / "state.db"));
    }
    const Outcome reference = read_outcome(reference_dir);
    ASSERT_EQ(reference.state.size(), static_cast<std::size_t>(kRows - (kRows + 198) / 199));
    ASSERT_FALSE(reference.sequences.empty());
    expect_sequences_never_reused(reference);

    // The same two files, each sync killed several times before it may finish.
    std::random_device seed_source;
    const auto seed = seed_source();
    SCOPED_TRACE(fmt::format("random seed {}", seed));
    std::mt19937 rng(seed);
    int landed = 0;
    const char* files[] = {"first.csv", "second.csv"};
    for (std::size_t i = 0; i < 2; ++i) {
        drop(files[i], "crashed");
        landed += sync_with_kills(crashed_dir, rng, 8, outbox_after[i]);
    }
    RecordProperty("kills_that_landed", landed);
    EXPECT_GE(landed, 3) << "too few kills hit a running sync for the test to mean anything";

    const Outcome crashed = read_outcome(crashed_dir);
    expect_sequences_never_reused(crashed);
    EXPECT_EQ(crashed.state.size(), reference.state.size());
    EXPECT_TRUE(crashed.state == reference.state) << "entity state differs after crashes";
    EXPECT_EQ(crashed.changes.size(), reference.changes.size())
        << "changes were lost or written twice";
    EXPECT_TRUE(crashed.changes == reference.changes) << "outbox changes differ after crashes";
    // Both files were processed exactly once and moved out of the drop folder.
    EXPECT_TRUE(std::filesystem::exists(crashed_dir / "drop" / "processed" / "second.csv"));
    EXPECT_FALSE(std::filesystem::exists(crashed_dir / "drop" / "second.csv"));
}

}  // namespace
}  // namespace cs::agent
