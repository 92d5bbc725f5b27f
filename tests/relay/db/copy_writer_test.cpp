#include "relay/db/copy_writer.hpp"

#include <gtest/gtest.h>

#include "relay/db/connection.hpp"

namespace cs::relay::db {
namespace {

TEST(CopyWriterTest, WritesPostgresBinaryCopyFormat) {
    std::string out;
    CopyWriter w(out);
    w.begin_row(4);
    w.int16(3);
    w.int64(-2);
    w.null();
    std::size_t slot = 0;
    w.begin_jsonb_field(slot);
    w.out() += "{}";
    w.end_field(slot);
    w.finish();
    std::string expected("PGCOPY\n\xff\r\n\0", 11);
    expected += std::string(8, '\0');                        // flags, extension length
    expected += std::string("\x00\x04", 2);                  // 4 fields
    expected += std::string("\x00\x00\x00\x02\x00\x03", 6);  // int16 3
    expected += std::string("\x00\x00\x00\x08", 4) + std::string(7, '\xff') + "\xfe";
    expected += std::string("\xff\xff\xff\xff", 4);        // null
    expected += std::string("\x00\x00\x00\x03\x01{}", 7);  // jsonb version 1 + text
    expected += std::string("\xff\xff", 2);                // trailer
    EXPECT_EQ(out, expected);
}

TEST(SqlStateTest, ClassifiesRetriableAndDataErrors) {
    EXPECT_EQ(classify_sqlstate("08006"), ErrorCode::unavailable);  // connection failure
    EXPECT_EQ(classify_sqlstate("57P01"), ErrorCode::unavailable);  // admin shutdown
    EXPECT_EQ(classify_sqlstate("40001"), ErrorCode::unavailable);  // serialization
    EXPECT_EQ(classify_sqlstate("53300"), ErrorCode::unavailable);  // too many connections
    EXPECT_EQ(classify_sqlstate(""), ErrorCode::unavailable);       // no server answer
    EXPECT_EQ(classify_sqlstate("22P02"), ErrorCode::invalid_argument);
    EXPECT_EQ(classify_sqlstate("23505"), ErrorCode::invalid_argument);
    EXPECT_EQ(classify_sqlstate("42P01"), ErrorCode::internal);  // our bug, not the data's
}

}  // namespace
}  // namespace cs::relay::db
