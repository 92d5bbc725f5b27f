#include "agent/normalize/field_spec.hpp"

#include <gtest/gtest.h>

#include "common/config/document.hpp"
#include "common/config/reader.hpp"

namespace cs::agent {
namespace {

Expected<std::vector<FieldSpec>> parse(std::string_view text) {
    auto doc = config::Document::parse(text, "agent.json");
    EXPECT_TRUE(doc) << doc.error().message;
    // parse_fields reads through the Reader only while it runs.
    return parse_fields(config::Reader(*doc));
}

TEST(FieldNames, AreShortLowercaseIdentifiers) {
    EXPECT_TRUE(is_valid_field_name("item_id"));
    EXPECT_TRUE(is_valid_field_name("a"));
    EXPECT_TRUE(is_valid_field_name(std::string(63, 'x')));
    EXPECT_FALSE(is_valid_field_name(std::string(64, 'x')));
    EXPECT_FALSE(is_valid_field_name(""));
    EXPECT_FALSE(is_valid_field_name("1st"));
    EXPECT_FALSE(is_valid_field_name("_id"));
    EXPECT_FALSE(is_valid_field_name("Item"));
    EXPECT_FALSE(is_valid_field_name("item-id"));
    EXPECT_FALSE(is_valid_field_name("caf\xC3\xA9"));
}

TEST(ParseFields, AppliesEntityDefaultsAndFieldOverrides) {
    auto fields = parse(R"({
        "normalize": {
            "strings": { "collapse_spaces": true },
            "numbers": { "decimal_comma": true },
            "dates": { "formats": ["DD.MM.YYYY"], "timezone": "Europe/Berlin" },
            "booleans": { "true": ["J"], "false": ["N"] }
        },
        "fields": [
            { "name": "a", "from": "A", "type": "decimal", "decimal_comma": false, "scale": 2 },
            { "name": "b", "type": "timestamp", "formats": "YYYY-MM-DD HH:mm", "timezone": "UTC" },
            { "name": "c", "type": "date" },
            { "name": "d", "type": "boolean", "collapse_spaces": false }
        ]
    })");
    ASSERT_TRUE(fields) << fields.error().message;
    ASSERT_EQ(fields->size(), 4u);
    const FieldSpec& a = (*fields)[0];
    EXPECT_EQ(a.from, "A");
    EXPECT_FALSE(a.numbers.decimal_comma);
    EXPECT_TRUE(a.strings.collapse_spaces);
    EXPECT_EQ(a.scale, 2);
    EXPECT_EQ(a.rounding, Rounding::half_up);
    EXPECT_TRUE(a.dates.formats.empty());  // not a date field: nothing kept
    const FieldSpec& b = (*fields)[1];
    EXPECT_EQ(b.from, "b");
    ASSERT_EQ(b.dates.formats.size(), 1u);
    EXPECT_EQ(b.dates.formats[0].pattern(), "YYYY-MM-DD HH:mm");
    EXPECT_EQ(b.dates.zone, nullptr);
    const FieldSpec& c = (*fields)[2];
    ASSERT_EQ(c.dates.formats.size(), 1u);
    EXPECT_EQ(c.dates.formats[0].pattern(), "DD.MM.YYYY");
    EXPECT_NE(c.dates.zone, nullptr);
    const FieldSpec& d = (*fields)[3];
    EXPECT_EQ(d.booleans.true_words, std::vector<std::string>{"j"});
    EXPECT_FALSE(d.strings.collapse_spaces);
}

TEST(ParseFields, FallsBackToTheBuiltinDateFormats) {
    auto fields = parse(R"({ "fields": [ { "name": "d", "type": "date", "day_first": true } ] })");
    ASSERT_TRUE(fields) << fields.error().message;
    const auto& formats = (*fields)[0].dates.formats;
    ASSERT_GT(formats.size(), 10u);
    EXPECT_EQ(formats[0].pattern(), "ISO8601");
    EXPECT_EQ(formats[2].pattern(), "D/M/YYYY");
}

TEST(ParseFields, CoercesDefaultsConstantsAndMapTargetsAtLoad) {
    auto fields = parse(R"({ "fields": [
        { "name": "p", "type": "decimal", "default": "$1,000.50", "scale": 1 },
        { "name": "t", "type": "timestamp", "timezone": "America/Chicago",
          "value": "2026-07-01 12:00" },
        { "name": "q", "type": "integer", "map": { "dozen": "12", "none": null } }
    ] })");
    ASSERT_TRUE(fields) << fields.error().message;
    EXPECT_EQ((*fields)[0].default_value->to_text(), "1000.5");
    EXPECT_EQ((*fields)[1].constant->to_text(), "2026-07-01T17:00:00Z");
    const auto& map = (*fields)[2].map;
    ASSERT_EQ(map.size(), 2u);
    EXPECT_EQ(map.find("dozen")->as_integer(), 12);
    EXPECT_TRUE(map.find("none")->is_null());
    EXPECT_EQ(map.find("Dozen"), nullptr);
}

TEST(ParseFields, ErrorsNameTheFileLineAndKey) {
    auto fields = parse(
        "{\n \"fields\": [\n  { \"name\": \"x\", \"type\": \"decimal\",\n    \"rounding\": "
        "\"half_up\" }\n ]\n}");
    ASSERT_FALSE(fields);
    EXPECT_EQ(fields.error().message,
              "agent.json:4: fields[0].rounding: needs a \"scale\" to round to");
}

TEST(ParseFields, RefusesMeaninglessCombinations) {
    auto map_flag = parse(R"({ "fields": [ { "name": "x", "map_strict": true } ] })");
    ASSERT_FALSE(map_flag);
    EXPECT_EQ(map_flag.error().message, "agent.json:1: fields[0].map_strict: needs a \"map\"");
    auto dup_key = parse(
        R"({ "fields": [ { "name": "x", "map": { "Each": "EA", "EACH": "EA" }, "map_case_insensitive": true } ] })");
    ASSERT_FALSE(dup_key);
    EXPECT_EQ(dup_key.error().message,
              "agent.json:1: fields[0].map.Each: 'Each' is listed twice (map_case_insensitive "
              "ignores case)");
    auto empty_formats =
        parse(R"({ "fields": [ { "name": "x", "type": "date", "formats": [] } ] })");
    ASSERT_FALSE(empty_formats);
    EXPECT_EQ(empty_formats.error().message,
              "agent.json:1: fields[0].formats: must list at least one format (omit it for the "
              "defaults)");
    auto empty_default = parse(R"({ "fields": [ { "name": "x", "default": "  " } ] })");
    ASSERT_FALSE(empty_default);
    EXPECT_EQ(empty_default.error().message,
              "agent.json:1: fields[0].default: is empty (omit it instead)");
}

}  // namespace
}  // namespace cs::agent
