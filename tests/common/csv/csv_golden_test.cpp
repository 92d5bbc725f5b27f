// Runs every case in tests/data/csv/<case>/ (input.csv, options.json,
// expected.json) through the reader in several ways that must all agree: from
// memory with chunk boundaries at every few bytes, one row per batch, and from the file.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/config/document.hpp"
#include "common/config/reader.hpp"
#include "common/csv/csv_reader.hpp"

namespace cs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kCases = fs::path(CS_TEST_DATA_DIR) / "csv";

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Everything a reader produced, in the shape of expected.json.
json drain(RowReader& reader, std::size_t max_rows) {
    json rows = json::array();
    json rejects = json::array();
    RawBatch batch;
    for (;;) {
        auto more = reader.read(batch, max_rows);
        if (!more) {
            return {{"read_error", more.error().message}};
        }
        EXPECT_LE(batch.size(), max_rows);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            json cells = json::array();
            for (const RawCell& cell : batch.row(i)) {
                cells.push_back({to_string(cell.kind), cell.text});
            }
            rows.push_back({{"line", batch.location(i).line},
                            {"record", batch.location(i).record},
                            {"cells", cells},
                            {"raw", batch.raw(i)}});
        }
        for (const RejectedRow& r : batch.rejected()) {
            rejects.push_back({{"line", r.location.line},
                               {"record", r.location.record},
                               {"error", r.error},
                               {"raw", r.raw}});
        }
        if (!*more) {
            break;
        }
    }
    return {{"columns", reader.columns()}, {"rows", rows}, {"rejects", rejects}};
}

json run(Expected<std::unique_ptr<CsvReader>> reader, std::size_t max_rows) {
    if (!reader) {
        return {{"open_error", reader.error().message}};
    }
    return drain(**reader, max_rows);
}

// Open errors are matched by substring: the file variant names the full path.
void expect_matches(const json& expected, const json& actual, const std::string& how) {
    if (expected.contains("open_error")) {
        ASSERT_TRUE(actual.contains("open_error")) << how << "\n" << actual.dump(2);
        const std::string message = actual["open_error"];
        EXPECT_NE(message.find(expected["open_error"].get<std::string>()), std::string::npos)
            << how << ": " << message;
        return;
    }
    EXPECT_EQ(expected.dump(2), actual.dump(2)) << how;
}

std::vector<std::string> case_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kCases)) {
        if (entry.is_directory()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

class CsvGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CsvGoldenTest, MatchesExpected) {
    const fs::path dir = kCases / GetParam();
    const std::string input = slurp(dir / "input.csv");
    const json expected = json::parse(slurp(dir / "expected.json"));
    auto doc = config::Document::parse(slurp(dir / "options.json"), "options.json");
    ASSERT_TRUE(doc) << doc.error().message;
    auto parsed = csv_options_from_config(config::Reader(*doc));
    ASSERT_TRUE(parsed) << parsed.error().message;

    for (std::size_t chunk : {std::size_t{1} << 20, std::size_t{1}, std::size_t{2}, std::size_t{3},
                              std::size_t{7}, std::size_t{64}}) {
        for (std::size_t max_rows : {std::size_t{1000}, std::size_t{1}}) {
            CsvOptions options = *parsed;
            options.limits.read_chunk_bytes = chunk;
            expect_matches(expected,
                           run(CsvReader::from_buffer(input, "input.csv", options), max_rows),
                           "chunk " + std::to_string(chunk) + ", rows " + std::to_string(max_rows));
        }
    }
    expect_matches(expected, run(CsvReader::open(dir / "input.csv", *parsed), 1000), "file");
}

INSTANTIATE_TEST_SUITE_P(Cases, CsvGoldenTest, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

}  // namespace
}  // namespace cs
