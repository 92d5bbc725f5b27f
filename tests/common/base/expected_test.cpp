#include "common/base/expected.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace cs {
namespace {

Expected<int> parse_positive(int v) {
    if (v <= 0) {
        return make_error(ErrorCode::invalid_argument, "{} is not positive", v);
    }
    return v;
}

TEST(ExpectedTest, CarriesValueOrError) {
    auto good = parse_positive(3);
    ASSERT_TRUE(good);
    EXPECT_EQ(*good, 3);
    auto bad = parse_positive(-1);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(bad.error().message, "-1 is not positive");
    EXPECT_EQ(bad.value_or(7), 7);
}

TEST(ExpectedTest, MoveOnlyValues) {
    Expected<std::unique_ptr<int>> e = std::make_unique<int>(5);
    ASSERT_TRUE(e);
    auto p = std::move(e).value();
    EXPECT_EQ(*p, 5);
}

TEST(ExpectedTest, ConvertsFromCompatibleValue) {
    Expected<std::string> e = "text";
    ASSERT_TRUE(e);
    EXPECT_EQ(*e, "text");
}

TEST(StatusTest, DefaultIsSuccessAndErrorsWrapContext) {
    Status s;
    EXPECT_TRUE(s);
    Status failed = Error{ErrorCode::io_error, "disk full"}.wrap("outbox.db");
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().message, "outbox.db: disk full");
    EXPECT_EQ(to_string(failed.error().code), "io_error");
}

}  // namespace
}  // namespace cs
