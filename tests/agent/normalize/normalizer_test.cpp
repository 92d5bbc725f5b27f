#include "agent/normalize/normalizer.hpp"

#include <gtest/gtest.h>

#include "agent/normalize/field_spec.hpp"
#include "common/config/document.hpp"
#include "common/config/reader.hpp"
#include "tests/agent/normalize/alloc_counter.hpp"

namespace cs::agent {
namespace {

std::vector<FieldSpec> specs(std::string_view text) {
    auto doc = config::Document::parse(text, "test.json");
    EXPECT_TRUE(doc) << doc.error().message;
    auto fields = parse_fields(config::Reader(*doc));
    EXPECT_TRUE(fields) << fields.error().message;
    return fields ? *fields : std::vector<FieldSpec>{};
}

std::vector<RawCell> text_cells(const std::vector<std::string_view>& texts) {
    std::vector<RawCell> cells;
    for (std::string_view t : texts) {
        cells.push_back(RawCell{CellKind::text, t});
    }
    return cells;
}

constexpr std::string_view kMixed = R"({
    "normalize": { "dates": { "timezone": "America/Chicago" } },
    "fields": [
        { "name": "id", "type": "integer", "required": true },
        { "name": "code", "transforms": ["upper", { "pad_left": 6, "char": "0" }] },
        { "name": "price", "type": "decimal", "scale": 2 },
        { "name": "start", "type": "date" },
        { "name": "modified", "type": "timestamp" },
        { "name": "active", "type": "boolean" },
        { "name": "uom", "map": { "EACH": "EA" }, "map_case_insensitive": true },
        { "name": "origin", "value": "csv" }
    ]
})";

TEST(Normalizer, BindsColumnsByNameWhateverTheirOrder) {
    auto fields = specs(kMixed);
    auto n = Normalizer::bind(
        fields, {"uom", "modified", "active", "start", "price", "code", "id", "extra"});
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_TRUE(n->missing_columns().empty());
    std::vector<Value> out;
    RowError error;
    auto cells = text_cells(
        {"each", "2026-03-08 03:00", "Y", "1/5/2026", "$1,234.567", "ab", "42", "ignored"});
    ASSERT_TRUE(n->normalize(cells, out, error)) << error.message;
    ASSERT_EQ(out.size(), 8u);
    EXPECT_EQ(out[0], Value(std::int64_t{42}));
    EXPECT_EQ(out[1], Value("0000AB"));
    EXPECT_EQ(out[2].to_text(), "1234.57");
    EXPECT_EQ(out[3].to_text(), "2026-01-05");
    EXPECT_EQ(out[4].to_text(), "2026-03-08T08:00:00Z");
    EXPECT_EQ(out[5], Value(true));
    EXPECT_EQ(out[6], Value("EA"));
    EXPECT_EQ(out[7], Value("csv"));
}

TEST(Normalizer, ReportsStageFieldMessageAndRawValue) {
    auto fields = specs(kMixed);
    auto n =
        Normalizer::bind(fields, {"id", "code", "price", "start", "modified", "active", "uom"});
    ASSERT_TRUE(n);
    std::vector<Value> out;
    RowError error;
    auto cells = text_cells({"7", "x", " 12,5x ", "", "", "", ""});
    ASSERT_FALSE(n->normalize(cells, out, error));
    EXPECT_EQ(error.stage, "normalize");
    EXPECT_EQ(error.field, "price");
    EXPECT_EQ(error.message, "'12,5x' is not a number: unexpected 'x'");
    EXPECT_EQ(error.value, " 12,5x ");

    // The same normalizer goes on with the next row.
    auto good = text_cells({"8", "", "", "", "", "", ""});
    ASSERT_TRUE(n->normalize(good, out, error)) << error.message;
    EXPECT_EQ(out[0], Value(std::int64_t{8}));
    EXPECT_TRUE(out[1].is_null());
}

TEST(Normalizer, ListsOptionalColumnsTheSourceLacks) {
    auto fields = specs(kMixed);
    auto n = Normalizer::bind(fields, {"id"});
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(n->missing_columns(),
              (std::vector<std::string>{"'code' (field code)", "'price' (field price)",
                                        "'start' (field start)", "'modified' (field modified)",
                                        "'active' (field active)", "'uom' (field uom)"}));
    auto missing = Normalizer::bind(fields, {"ID2"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message,
              "the source lacks the column of required field: 'id' (field id); columns found: "
              "'ID2'");
}

TEST(Normalizer, AllocatesNothingForRowsOfShortValues) {
    auto fields = specs(kMixed);
    auto n =
        Normalizer::bind(fields, {"id", "code", "price", "start", "modified", "active", "uom"});
    ASSERT_TRUE(n);
    std::vector<Value> out;
    RowError error;
    auto row_a = text_cells(
        {"42", "ab", "$1,234.567", "01/05/2026", "2026-07-01 10:00:00", "Y", " Each\xC2\xA0"});
    auto row_b =
        text_cells({"43", "cd\r\nx", "(12.00)", "2026-01-05", "1/5/2026 3:04 PM", "n", "CS"});
    ASSERT_TRUE(n->normalize(row_a, out, error)) << error.message;  // warms up scratch buffers
    ASSERT_TRUE(n->normalize(row_b, out, error)) << error.message;
    test::start_counting_allocations();
    bool ok = true;
    for (int i = 0; i < 100 && ok; ++i) {
        ok = n->normalize(i % 2 == 0 ? row_a : row_b, out, error);
    }
    std::size_t allocations = test::stop_counting_allocations();
    ASSERT_TRUE(ok) << error.message;
    EXPECT_EQ(allocations, 0u);

    // The counter is live: a value too long for the small-string buffer costs
    // exactly its own allocation, once the scratch buffers have grown.
    auto row_c = text_cells({"44", "a long code that needs the heap", "1", "", "", "", ""});
    ASSERT_TRUE(n->normalize(row_c, out, error));  // grows the scratch buffers once
    test::start_counting_allocations();
    ok = n->normalize(row_c, out, error);
    allocations = test::stop_counting_allocations();
    ASSERT_TRUE(ok) << error.message;
    EXPECT_EQ(allocations, 1u);
}

}  // namespace
}  // namespace cs::agent
