#include "tests/tools/p21sim/filter.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace cs::p21sim {
namespace {

class FilterTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto tz = TimeZone::locate("America/Chicago");
        ASSERT_TRUE(tz);
        zone_.emplace(*tz);
        row_.resize(schema().columns.size());
        row_[inv_mast_col::inv_mast_uid].set_int(42);
        row_[inv_mast_col::item_id].set_string("A+B 00042");
        row_[inv_mast_col::item_desc].set_string("O'Brien Valve, 3/4\"");
        row_[inv_mast_col::list_price].set_decimal(Decimal::parse("12.3400").value());
        row_[inv_mast_col::class_id1].set_string("PLUMB");
        row_[inv_mast_col::class_id2].set_null();
        row_[inv_mast_col::delete_flag].set_string("N");
        // 2025-01-01T10:00:00 in Chicago (CST, UTC-6) is 16:00Z.
        row_[inv_mast_col::date_last_modified].set_datetime(1735747200000);
    }

    const TableSchema& schema() const { return schema_of(TableId::inv_mast); }

    Expected<Filter> parse(std::string_view text) { return parse_filter(text, schema(), *zone_); }

    // Parses and evaluates against the row; fails the test on a parse error.
    bool matches(std::string_view text) {
        auto filter = parse(text);
        EXPECT_TRUE(filter) << text << ": " << (filter ? "" : filter.error().message);
        if (!filter) {
            return false;
        }
        std::vector<Value> cells;
        for (std::size_t column : filter->columns) {
            cells.push_back(row_[column]);
        }
        return evaluate(*filter, cells);
    }

    ErrorCode error_of(std::string_view text) {
        auto filter = parse(text);
        EXPECT_FALSE(filter) << text << " parsed";
        return filter ? ErrorCode::internal : filter.error().code;
    }

    std::optional<TimeZone> zone_;
    std::vector<Value> row_;
};

TEST_F(FilterTest, ComparesIntegersWithEveryOperator) {
    EXPECT_TRUE(matches("inv_mast_uid eq 42"));
    EXPECT_FALSE(matches("inv_mast_uid ne 42"));
    EXPECT_TRUE(matches("inv_mast_uid gt 41"));
    EXPECT_TRUE(matches("inv_mast_uid ge 42"));
    EXPECT_FALSE(matches("inv_mast_uid lt 42"));
    EXPECT_TRUE(matches("inv_mast_uid le 42"));
    EXPECT_TRUE(matches("inv_mast_uid gt -5"));
}

TEST_F(FilterTest, ComparesDecimalsExactly) {
    EXPECT_TRUE(matches("list_price eq 12.34"));
    EXPECT_TRUE(matches("list_price gt 12.3399"));
    EXPECT_FALSE(matches("list_price gt 12.34"));
    EXPECT_TRUE(matches("list_price lt 13"));
    EXPECT_TRUE(matches("list_price eq 1.234e1"));
}

TEST_F(FilterTest, ReadsStringLiteralsWithDoubledQuotes) {
    EXPECT_TRUE(matches("item_desc eq 'O''Brien Valve, 3/4\"'"));
    EXPECT_TRUE(matches("item_id eq 'A+B 00042'"));
    EXPECT_TRUE(matches("startswith(item_desc,'O''Brien')"));
}

TEST_F(FilterTest, StringComparisonsIgnoreCaseLikeSqlServer) {
    EXPECT_TRUE(matches("item_id eq 'a+b 00042'"));
    EXPECT_TRUE(matches("startswith(item_id, 'a+b')"));
    EXPECT_TRUE(matches("endswith(item_desc, '3/4\"')"));
    EXPECT_TRUE(matches("contains(item_desc, 'VALVE')"));
    EXPECT_FALSE(matches("contains(item_desc, 'pipe')"));
    EXPECT_TRUE(matches("class_id1 gt 'plum'"));
}

TEST_F(FilterTest, AppliesPrecedenceAndParentheses) {
    EXPECT_TRUE(matches("inv_mast_uid eq 1 or inv_mast_uid eq 42 and delete_flag eq 'N'"));
    EXPECT_FALSE(matches("(inv_mast_uid eq 1 or inv_mast_uid eq 42) and delete_flag eq 'Y'"));
    EXPECT_TRUE(matches("not (delete_flag eq 'Y')"));
    EXPECT_TRUE(matches("not contains(item_id,'ZZ') and ((inv_mast_uid le 42))"));
}

TEST_F(FilterTest, NullLiteralsTestForNull) {
    EXPECT_TRUE(matches("class_id2 eq null"));
    EXPECT_FALSE(matches("class_id2 ne null"));
    EXPECT_TRUE(matches("class_id1 ne null"));
    EXPECT_TRUE(matches("null eq class_id2"));
}

TEST_F(FilterTest, ComparisonsWithNullValuesAreUnknown) {
    // SQL three-valued logic: neither the comparison nor its negation matches.
    EXPECT_FALSE(matches("class_id2 eq 'PLUMB'"));
    EXPECT_FALSE(matches("not (class_id2 eq 'PLUMB')"));
    EXPECT_FALSE(matches("class_id2 ne 'PLUMB'"));
    EXPECT_TRUE(matches("class_id2 eq 'PLUMB' or inv_mast_uid eq 42"));
    EXPECT_FALSE(matches("contains(class_id2, 'P')"));
}

TEST_F(FilterTest, ComparesDatetimesAsInstants) {
    // The row was modified at 2025-01-01 10:00 Chicago time = 16:00Z.
    EXPECT_TRUE(matches("date_last_modified eq 2025-01-01T16:00:00Z"));
    EXPECT_TRUE(matches("date_last_modified eq 2025-01-01T16:00:00.000Z"));
    EXPECT_TRUE(matches("date_last_modified eq 2025-01-01T10:00:00-06:00"));
    EXPECT_TRUE(matches("date_last_modified eq 2025-01-01T10:00:00"));  // server local time
    EXPECT_TRUE(matches("date_last_modified gt 2025-01-01"));           // local midnight
    EXPECT_FALSE(matches("date_last_modified ge 2025-01-01T16:00:01Z"));
    EXPECT_TRUE(matches("date_last_modified lt 2025-01-01T12:00:01-04:00"));
}

TEST_F(FilterTest, RejectsBadSyntaxAsParseErrors) {
    EXPECT_EQ(error_of("inv_mast_uid eq"), ErrorCode::parse_error);
    EXPECT_EQ(error_of("(inv_mast_uid eq 1"), ErrorCode::parse_error);
    EXPECT_EQ(error_of("item_id eq 'open"), ErrorCode::parse_error);
    EXPECT_EQ(error_of("inv_mast_uid eq 1 extra"), ErrorCode::parse_error);
    EXPECT_EQ(error_of("inv_mast_uid == 1"), ErrorCode::parse_error);
    EXPECT_EQ(error_of("date_last_modified gt 2025-13-01"), ErrorCode::parse_error);
    EXPECT_EQ(error_of("inv_mast_uid eq 12abc"), ErrorCode::parse_error);
}

TEST_F(FilterTest, RejectsUnknownPropertiesAndMismatchedTypes) {
    EXPECT_EQ(error_of("no_such_column eq 1"), ErrorCode::invalid_argument);
    EXPECT_EQ(error_of("item_id eq 5"), ErrorCode::invalid_argument);
    EXPECT_EQ(error_of("date_last_modified gt '2025-01-01'"), ErrorCode::invalid_argument);
    EXPECT_EQ(error_of("inv_mast_uid"), ErrorCode::invalid_argument);  // not boolean
    EXPECT_EQ(error_of("not inv_mast_uid eq 5"), ErrorCode::invalid_argument);
    EXPECT_EQ(error_of("inv_mast_uid add 1 eq 2"), ErrorCode::invalid_argument);
    EXPECT_EQ(error_of("contains(inv_mast_uid, '4')"), ErrorCode::invalid_argument);
    EXPECT_EQ(error_of("INV_MAST_UID eq 1"), ErrorCode::invalid_argument);
}

TEST_F(FilterTest, UnsupportedFunctionsAreNotFoundLikeP21) {
    EXPECT_EQ(error_of("date_last_modified gt now()"), ErrorCode::not_found);
    EXPECT_EQ(error_of("tolower(item_id) eq 'x'"), ErrorCode::not_found);
    EXPECT_EQ(error_of("substringof('x', item_id)"), ErrorCode::not_found);
}

TEST_F(FilterTest, RefusesOverlyComplexExpressions) {
    std::string deep(100, '(');
    deep += "inv_mast_uid eq 1" + std::string(100, ')');
    EXPECT_EQ(error_of(deep), ErrorCode::limit_exceeded);
    std::string wide = "inv_mast_uid eq 0";
    for (int i = 1; i < 800; ++i) {
        wide += " or inv_mast_uid eq " + std::to_string(i);
    }
    EXPECT_EQ(error_of(wide), ErrorCode::limit_exceeded);
}

TEST_F(FilterTest, ListsEachReferencedColumnOnce) {
    auto filter = parse("inv_mast_uid gt 1 and inv_mast_uid lt 50 and item_id ne 'x'");
    ASSERT_TRUE(filter);
    EXPECT_EQ(filter->columns,
              (std::vector<std::size_t>{inv_mast_col::inv_mast_uid, inv_mast_col::item_id}));
}

}  // namespace
}  // namespace cs::p21sim
