#include "common/uuid/uuid.hpp"

#include <chrono>
#include <set>

#include <gtest/gtest.h>

namespace cs {
namespace {

TEST(UuidTest, Version7LayoutAndTime) {
    auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    Uuid u = uuid_v7();
    EXPECT_EQ(u.version(), 7);
    EXPECT_EQ(u.bytes[8] & 0xc0, 0x80);  // RFC 9562 variant
    EXPECT_GE(u.unix_millis(), before);
    EXPECT_LE(u.unix_millis(), before + 5000);
    auto text = u.to_string();
    EXPECT_EQ(text.size(), 36u);
    EXPECT_EQ(text[14], '7');
    EXPECT_EQ(Uuid::parse(text).value(), u);
}

TEST(UuidTest, StrictlyIncreasingAndUnique) {
    std::set<Uuid> seen;
    Uuid previous = uuid_v7();
    for (int i = 0; i < 20000; ++i) {
        Uuid next = uuid_v7();
        EXPECT_LT(previous, next);
        EXPECT_TRUE(seen.insert(next).second);
        previous = next;
    }
}

TEST(UuidTest, ParseRejectsMalformedText) {
    EXPECT_FALSE(Uuid::parse(""));
    EXPECT_FALSE(Uuid::parse("0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6"));
    EXPECT_FALSE(Uuid::parse("0190f5e2x7a41-7c3e-8b5d-2f1e3c4d5a6b"));
    EXPECT_FALSE(Uuid::parse("0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6g"));
}

}  // namespace
}  // namespace cs
