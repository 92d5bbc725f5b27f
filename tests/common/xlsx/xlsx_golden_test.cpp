// Runs every case in tests/data/xlsx/cases/<case>/ (options.json naming a
// workbook made by LibreOffice or exceljs, expected.json) from memory, one row
// per batch, and from the file; all must agree with expected.json.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/config/document.hpp"
#include "common/config/reader.hpp"
#include "common/xlsx/xlsx_reader.hpp"

namespace cs {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kData = fs::path(CS_TEST_DATA_DIR) / "xlsx";

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json run(Expected<std::unique_ptr<XlsxReader>> reader, std::size_t max_rows) {
    if (!reader) {
        return {{"open_error", reader.error().message}};
    }
    json rows = json::array();
    json rejects = json::array();
    RawBatch batch;
    for (;;) {
        auto more = (*reader)->read(batch, max_rows);
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
    return {{"columns", (*reader)->columns()}, {"rows", rows}, {"rejects", rejects}};
}

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
    for (const auto& entry : fs::directory_iterator(kData / "cases")) {
        if (entry.is_directory()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

class XlsxGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(XlsxGoldenTest, MatchesExpected) {
    const fs::path dir = kData / "cases" / GetParam();
    const json expected = json::parse(slurp(dir / "expected.json"));
    auto doc = config::Document::parse(slurp(dir / "options.json"), "options.json");
    ASSERT_TRUE(doc) << doc.error().message;
    const config::Reader root(*doc);
    const std::string workbook = root.string("workbook").value();
    auto options = xlsx_options_from_config(root.object("xlsx").value());
    ASSERT_TRUE(options) << options.error().message;

    const std::string bytes = slurp(kData / workbook);
    ASSERT_FALSE(bytes.empty()) << workbook;
    expect_matches(expected, run(XlsxReader::from_buffer(bytes, workbook, *options), 1000),
                   "memory");
    expect_matches(expected, run(XlsxReader::from_buffer(bytes, workbook, *options), 1),
                   "one row per batch");
    expect_matches(expected, run(XlsxReader::open(kData / workbook, *options), 1000), "file");
}

INSTANTIATE_TEST_SUITE_P(Cases, XlsxGoldenTest, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

}  // namespace
}  // namespace cs
