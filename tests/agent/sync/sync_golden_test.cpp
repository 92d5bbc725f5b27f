// Data-driven cases for the whole agent pipeline: tests/data/sync/<case>/case.jsonc
// and the input files beside it. Each step drops files into the case's folder
// source, runs cs::agent::sync_entities against one state store shared by all
// the case's steps, and compares what the step produced with its "expect":
//
//   {"config": <agent config: one folder source with path "drop", entities>,
//    "steps": [{"comment": "...",
//               "drop": ["a.csv", {"from": "b.csv", "as": "c.csv"}],  // oldest first
//               "options": {"full": bool, "force": bool, "entities": [...]},
//               "expect": {
//                 "runs": [{RunRecord fields: entity, source, status, fetched, normalized,
//                           mapped, validated, inserted, updated, deleted, skipped, failed,
//                           error, note}],          // only the keys given; error/note: substring
//                 "changes": [{"entity", "op": "insert"|"update", "values": {all fields},
//                              "rowversion" (entities with one), "parent": {parent key}},
//                             {"entity", "op": "delete", "key": {key fields}}],  // exact, in order
//                 "failed": [{entity, stage, field, error (substring), value,
//                             location "file:line", raw}],  // this step's runs, by file and line
//                 "failed_waiting": {entity: rows in the failed-rows store},
//                 "state": {entity: rows in its state table},
//                 "processed": [...], "failed_files": [...]}}]}  // files moved by this step
//
// Change sets are decoded from the outbox frames added by the step, in sequence
// order. Deletes carry only a bk_hash and children only their parent's bk_hash:
// both are named by the key of the earlier insert that had that bk_hash, which
// checks them against the rows the relay would already hold.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/agent/sync/golden_case.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path data_dir() {
    return fs::path(CS_TEST_DATA_DIR) / "sync";
}

std::vector<std::string> case_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(data_dir())) {
        if (entry.is_directory() && fs::exists(entry.path() / "case.jsonc")) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Only the parts the step's expectation mentions, so the diff stays readable.
json project(const json& expected, const json& actual) {
    json out = json::object();
    for (const auto& item : expected.items()) {
        if (actual.contains(item.key())) {
            out[item.key()] = actual.at(item.key());
        }
    }
    if (actual.contains("error")) {
        out["error"] = actual.at("error");
    }
    return out;
}

// A fresh work directory per case (drop folder and state), removed afterwards.
class WorkDir {
public:
    explicit WorkDir(const std::string& name)
        : path_(fs::temp_directory_path() /
                ("cs-sync-golden-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~WorkDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

class SyncGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SyncGolden, ProducesExpectedChangeSetsAndFailedRows) {
    WorkDir work(GetParam());
    auto golden = golden::GoldenCase::open(data_dir() / GetParam(), work.path());
    ASSERT_TRUE(golden) << golden.error().message;
    const json& steps = (*golden)->steps();
    ASSERT_FALSE(steps.empty());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const json& step = steps[i];
        auto outcome = (*golden)->run_step(i);
        ASSERT_TRUE(outcome) << "step " << i + 1 << ": " << outcome.error().message;
        for (const auto& error : outcome->invariant_errors) {
            ADD_FAILURE() << GetParam() << " step " << i + 1 << ": " << error;
        }
        ASSERT_TRUE(step.contains("expect")) << "step " << i + 1 << " has no \"expect\"";
        const json& expected = step.at("expect");
        auto differences = golden::compare_step(expected, outcome->actual);
        if (!differences.empty()) {
            std::string list;
            for (const auto& d : differences) {
                list += "  " + d + "\n";
            }
            ADD_FAILURE() << GetParam() << " step " << i + 1 << " ("
                          << step.value("comment", std::string("no comment")) << ")\n"
                          << list << "expected:\n"
                          << expected.dump(2) << "\nactual:\n"
                          << project(expected, outcome->actual).dump(2);
        }
        if (::testing::Test::HasFailure()) {
            return;  // later steps build on this one's state: their diffs would only mislead
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Sync, SyncGolden, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

}  // namespace
}  // namespace cs::agent
