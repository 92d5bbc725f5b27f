#include "common/wire/bytes.hpp"

#include <limits>

#include <gtest/gtest.h>

namespace cs::wire {
namespace {

TEST(BytesTest, VarintsRoundTripAtBoundaries) {
    std::string buf;
    ByteWriter w(buf);
    const std::uint64_t values[] = {
        0, 1, 127, 128, 16383, 16384, std::numeric_limits<std::uint64_t>::max()};
    for (auto v : values) {
        w.varint(v);
    }
    const std::int64_t signed_values[] = {0, -1, 1, std::numeric_limits<std::int64_t>::min(),
                                          std::numeric_limits<std::int64_t>::max()};
    for (auto v : signed_values) {
        w.zigzag(v);
    }
    int128 big = -(static_cast<int128>(1) << 120);
    w.zigzag128(big);
    ByteReader r(buf);
    for (auto v : values) {
        EXPECT_EQ(r.varint("v").value(), v);
    }
    for (auto v : signed_values) {
        EXPECT_EQ(r.zigzag("z").value(), v);
    }
    EXPECT_TRUE(r.zigzag128("z128").value() == big);
    EXPECT_TRUE(r.at_end());
}

TEST(BytesTest, TruncationAndOverlongInputAreErrors) {
    std::string overlong(11, '\xff');
    ByteReader r(overlong);
    auto v = r.varint("count");
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().message.find("count"), std::string::npos);

    std::string buf;
    ByteWriter(buf).bytes("hello");
    buf.pop_back();
    ByteReader r2(buf);
    auto s = r2.bytes("name", 100);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("truncated"), std::string::npos);

    std::string big;
    ByteWriter(big).bytes(std::string(50, 'x'));
    ByteReader r3(big);
    auto limited = r3.bytes("field", 10);
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().code, ErrorCode::limit_exceeded);
}

}  // namespace
}  // namespace cs::wire
