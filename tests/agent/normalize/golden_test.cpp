// Data-driven cases in tests/data/normalize/<case>/ (docs/normalization.md):
//   config.jsonc          an entity object ("normalize" and "fields")
//   rows.jsonc            {"columns": [...], "rows": [{"cells": [...], "expect": {...}}
//                          or {"cells": [...], "error": {...}}]} or {"bind_error": "..."}
//   expected_error.txt    instead of rows.jsonc: the exact configuration error
// A cell is a string (text), null (empty), or {"kind": "number", "text": "45658"}.
// An expected value is "type:text" (Value::to_text) or null.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "agent/normalize/field_spec.hpp"
#include "agent/normalize/normalizer.hpp"
#include "common/config/document.hpp"
#include "common/config/reader.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path data_dir() {
    return fs::path(CS_TEST_DATA_DIR) / "normalize";
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

CellKind parse_kind(const std::string& name) {
    if (name == "number") {
        return CellKind::number;
    }
    if (name == "boolean") {
        return CellKind::boolean;
    }
    if (name == "date") {
        return CellKind::date;
    }
    if (name == "datetime") {
        return CellKind::datetime;
    }
    if (name == "empty") {
        return CellKind::empty;
    }
    return CellKind::text;
}

std::string describe(const Value& value) {
    if (value.is_null()) {
        return "null";
    }
    return std::string(to_string(*value.type())) + ":" + value.to_text();
}

std::vector<std::string> case_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(data_dir())) {
        if (entry.is_directory()) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

class GoldenCase : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenCase, MatchesExpectedValuesAndErrors) {
    fs::path dir = data_dir() / GetParam();
    auto doc = config::Document::parse(read_text(dir / "config.jsonc"), "config.jsonc");
    ASSERT_TRUE(doc) << doc.error().message;
    config::Reader entity(*doc);
    auto fields = parse_fields(entity);

    if (fs::exists(dir / "expected_error.txt")) {
        std::string expected = read_text(dir / "expected_error.txt");
        while (!expected.empty() && expected.back() == '\n') {
            expected.pop_back();
        }
        ASSERT_FALSE(fields) << "the configuration was accepted";
        EXPECT_EQ(fields.error().message, expected);
        return;
    }
    ASSERT_TRUE(fields) << fields.error().message;

    json rows = json::parse(read_text(dir / "rows.jsonc"), nullptr, true, true);
    auto columns = rows.at("columns").get<std::vector<std::string>>();
    auto normalizer = Normalizer::bind(*fields, columns);
    if (rows.contains("bind_error")) {
        ASSERT_FALSE(normalizer) << "bind succeeded";
        EXPECT_EQ(normalizer.error().message, rows.at("bind_error").get<std::string>());
        return;
    }
    ASSERT_TRUE(normalizer) << normalizer.error().message;

    std::vector<Value> out;
    std::size_t index = 0;
    for (const json& row : rows.at("rows")) {
        ++index;
        std::vector<std::string> texts;
        std::vector<RawCell> cells;
        texts.reserve(row.at("cells").size());
        for (const json& cell : row.at("cells")) {
            if (cell.is_null()) {
                texts.emplace_back();
                cells.push_back(RawCell{CellKind::empty, {}});
            } else if (cell.is_string()) {
                texts.push_back(cell.get<std::string>());
                cells.push_back(RawCell{CellKind::text, texts.back()});
            } else {
                texts.push_back(cell.at("text").get<std::string>());
                cells.push_back(RawCell{parse_kind(cell.at("kind")), texts.back()});
            }
        }
        SCOPED_TRACE(::testing::Message() << GetParam() << " row " << index << ": " << row.dump());
        RowError error;
        bool ok = normalizer->normalize(cells, out, error);
        if (row.contains("error")) {
            ASSERT_FALSE(ok) << "row was accepted";
            const json& e = row.at("error");
            EXPECT_EQ(error.stage, e.at("stage").get<std::string>());
            EXPECT_EQ(error.field, e.at("field").get<std::string>());
            EXPECT_EQ(error.message, e.at("message").get<std::string>());
            if (e.contains("value")) {
                EXPECT_EQ(error.value, e.at("value").get<std::string>());
            }
            continue;
        }
        ASSERT_TRUE(ok) << error.stage << " " << error.field << ": " << error.message;
        ASSERT_EQ(out.size(), normalizer->fields().size());
        for (const auto& [name, expected] : row.at("expect").items()) {
            auto it = std::find_if(normalizer->fields().begin(), normalizer->fields().end(),
                                   [&](const FieldSpec& f) { return f.name == name; });
            ASSERT_NE(it, normalizer->fields().end()) << "no field " << name;
            std::size_t i = static_cast<std::size_t>(it - normalizer->fields().begin());
            std::string want = expected.is_null() ? "null" : expected.get<std::string>();
            EXPECT_EQ(describe(out[i]), want) << "field " << name;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Normalize, GoldenCase, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

}  // namespace
}  // namespace cs::agent
