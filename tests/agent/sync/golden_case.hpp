#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/config/agent_config.hpp"
#include "agent/store/state_db.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::golden {

// What one step produced, in the shape of the step's "expect" object (the
// format is described at the top of sync_golden_test.cpp), plus violations of invariants that hold
// for every case (sequence numbers, stream id, schema, known business keys).
struct StepOutcome {
    nlohmann::json actual;
    std::vector<std::string> invariant_errors;
};

// One tests/data/sync/<case>/case.jsonc, run step by step against a fresh drop
// folder and state store under `work_dir`. Steps share the store, so later
// steps see the state earlier ones left.
class GoldenCase {
public:
    static Expected<std::unique_ptr<GoldenCase>> open(const std::filesystem::path& case_dir,
                                                      const std::filesystem::path& work_dir);

    const nlohmann::json& steps() const { return steps_; }
    Expected<StepOutcome> run_step(std::size_t index);

private:
    GoldenCase(std::filesystem::path case_dir, std::filesystem::path work_dir, nlohmann::json steps,
               AgentConfig config, StateDb store);

    Status drop_files(const nlohmann::json& drop);
    nlohmann::json describe_row(const std::string& entity, const std::string& op,
                                const std::vector<Value>& values, const std::string& rowversion,
                                const std::string& bk_hex,
                                const std::optional<std::string>& parent_hex,
                                std::vector<std::string>& errors);

    // A row the outbox has told the relay about and not deleted since.
    struct KnownRow {
        std::string entity;
        nlohmann::json key;  // key field -> value
    };

    std::filesystem::path case_dir_;
    std::filesystem::path work_dir_;
    nlohmann::json steps_;
    AgentConfig config_;
    StateDb store_;
    std::uint64_t last_sequence_ = 0;
    std::int64_t next_mtime_offset_ = 0;     // seconds after the first drop
    std::map<std::string, KnownRow> known_;  // "entity:bk_hash" -> row
};

// Compares a step's expectation with what it produced. Objects in "runs" and
// "failed" and the "state" maps are compared on the keys the expectation gives
// ("error" and "note" as substrings); "changes", "processed" and "failed_files"
// must match exactly. Returns one line per difference; empty when they agree.
std::vector<std::string> compare_step(const nlohmann::json& expected, const nlohmann::json& actual);

}  // namespace cs::agent::golden
