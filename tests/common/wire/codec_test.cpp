#include "common/wire/codec.hpp"

#include <gtest/gtest.h>

#include "common/hash/canonical.hpp"

namespace cs::wire {
namespace {

Hash128 h(std::uint8_t seed) {
    Hash128 out;
    for (std::size_t i = 0; i < 16; ++i) {
        out.bytes[i] = static_cast<std::uint8_t>(seed + i);
    }
    return out;
}

ChangeSet sample() {
    ChangeSet set;
    set.stream_id = "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b";
    set.sequence = 42;
    set.entity = "inventory_supplier";
    set.parent_entity = "inv_mast";
    set.run_id = "0190f5e2-7a41-7c3e-8b5d-000000000001";
    set.created_at_us = 1'790'000'000'000'000;
    set.schema = {{"item_id", FieldType::string},         {"cost", FieldType::decimal},
                  {"lead_time_days", FieldType::integer}, {"active", FieldType::boolean},
                  {"effective", FieldType::date},         {"modified", FieldType::timestamp}};
    Row insert;
    insert.op = Op::insert;
    insert.bk_hash = h(1);
    insert.data_hash = h(2);
    insert.rowversion = "2026-11-22T10:00:00Z";
    insert.parent_bk_hash = h(3);
    insert.values = {Value("3/4\" PVC, \"TEE\""), Value(Decimal::parse("-1234.5600").value()),
                     Value(std::int64_t{14}),     Value(true),
                     Value(Date{20'000}),         Value(Timestamp{-5})};
    Row with_nulls = insert;
    with_nulls.op = Op::update;
    with_nulls.bk_hash = h(4);
    with_nulls.parent_bk_hash.reset();
    with_nulls.values = {Value(std::string()), Value(), Value(), Value(false), Value(), Value()};
    Row removed;
    removed.op = Op::remove;
    removed.bk_hash = h(5);
    set.rows = {insert, with_nulls, removed};
    return set;
}

TEST(CodecTest, RoundTripsEveryTypeOpAndNull) {
    for (bool compress : {true, false}) {
        auto frame = encode(sample(), {.compress = compress});
        ASSERT_TRUE(frame) << frame.error().message;
        auto decoded = decode(*frame);
        ASSERT_TRUE(decoded) << decoded.error().message;
        EXPECT_EQ(decoded->set, sample());
    }
}

TEST(CodecTest, ContentDigestIgnoresCompressionButNotContent) {
    auto a = decode(encode(sample(), {.compress = true}).value()).value();
    auto b = decode(encode(sample(), {.compress = false}).value()).value();
    EXPECT_EQ(a.content_digest, b.content_digest);
    auto changed = sample();
    changed.rows[0].values[1] = Value(Decimal::parse("1").value());
    auto c = decode(encode(changed).value()).value();
    EXPECT_NE(a.content_digest, c.content_digest);
}

TEST(CodecTest, EveryTruncationIsACleanError) {
    auto frame = encode(sample(), {.compress = false}).value();
    for (std::size_t n = 0; n < frame.size(); ++n) {
        auto d = decode(std::string_view(frame).substr(0, n));
        EXPECT_FALSE(d) << "prefix of " << n << " bytes decoded";
    }
}

TEST(CodecTest, EverySingleByteCorruptionIsRejected) {
    // The checksum catches body corruption; the envelope checks catch the rest.
    auto frame = encode(sample()).value();
    for (std::size_t i = 0; i < frame.size(); ++i) {
        std::string bad = frame;
        bad[i] = static_cast<char>(bad[i] ^ 0x5a);
        auto d = decode(bad);
        EXPECT_FALSE(d) << "corruption at byte " << i << " went unnoticed";
    }
}

TEST(CodecTest, RejectsWrongMagicAndUnknownVersion) {
    auto frame = encode(sample()).value();
    std::string wrong_magic = frame;
    wrong_magic[0] = 'X';
    auto d = decode(wrong_magic);
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().message.find("magic"), std::string::npos);

    std::string future = frame;
    future[4] = 9;
    auto v = decode(future);
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().message.find("version 9"), std::string::npos);
}

TEST(CodecTest, EnforcesLimits) {
    auto frame = encode(sample()).value();
    Limits tiny_frame;
    tiny_frame.max_frame_bytes = 10;
    EXPECT_EQ(decode(frame, tiny_frame).error().code, ErrorCode::limit_exceeded);
    Limits few_rows;
    few_rows.max_rows = 2;
    auto rows = decode(frame, few_rows);
    ASSERT_FALSE(rows);
    EXPECT_NE(rows.error().message.find("3 rows"), std::string::npos);
    Limits short_values;
    short_values.max_value_bytes = 4;
    EXPECT_EQ(decode(frame, short_values).error().code, ErrorCode::limit_exceeded);
    Limits small_body;
    small_body.max_body_bytes = 16;
    EXPECT_EQ(decode(frame, small_body).error().code, ErrorCode::limit_exceeded);
}

TEST(CodecTest, WriterRejectsValuesThatDoNotMatchTheSchema) {
    ChangeSetWriter writer;
    auto header = sample();
    writer.begin(header);
    std::vector<Value> wrong = header.rows[0].values;
    wrong[1] = Value("not a decimal");
    auto st = writer.add_row(Op::insert, h(1), h(2), "", nullptr, wrong);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("declared decimal"), std::string::npos);
    std::vector<Value> short_row(2);
    EXPECT_FALSE(writer.add_row(Op::insert, h(1), h(2), "", nullptr, short_row));
}

TEST(CodecTest, InvalidUtf8StringIsRejected) {
    auto set = sample();
    set.rows[0].values[0] = Value(std::string("bad \xff byte"));
    auto d = decode(encode(set).value());
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().message.find("UTF-8"), std::string::npos);
    EXPECT_NE(d.error().message.find("item_id"), std::string::npos);
}

TEST(CodecTest, CompressesRepetitiveRows) {
    ChangeSet set = sample();
    set.parent_entity.clear();
    set.rows.clear();
    for (int i = 0; i < 1000; ++i) {
        Row r;
        r.op = Op::insert;
        r.bk_hash = h(static_cast<std::uint8_t>(i));
        r.data_hash = h(static_cast<std::uint8_t>(i + 1));
        r.values = {Value("ITEM-" + std::to_string(i)),
                    Value(Decimal::parse("10.25").value()),
                    Value(std::int64_t{7}),
                    Value(true),
                    Value(Date{20'000}),
                    Value(Timestamp{1'000'000})};
        set.rows.push_back(r);
    }
    auto compressed = encode(set).value();
    auto plain = encode(set, {.compress = false}).value();
    EXPECT_LT(compressed.size(), plain.size() / 2);
    EXPECT_EQ(decode(compressed)->set, set);
}

}  // namespace
}  // namespace cs::wire
