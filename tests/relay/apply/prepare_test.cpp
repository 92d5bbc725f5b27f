#include "relay/apply/prepare.hpp"

#include <gtest/gtest.h>
#include <xxhash.h>

#include "common/wire/codec.hpp"
#include "tests/relay/support/source_model.hpp"

namespace cs::relay::apply {
namespace {

const SiteRef kSite{"0190f5e2-7a41-7c3e-8b5d-000000000001", "0190f5e2-7a41-7c3e-8b5d-000000000002"};
const std::string kStream = "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b";

Hash128 h(std::uint8_t seed) {
    Hash128 out;
    out.bytes.fill(seed);
    return out;
}

wire::ChangeSet base_set() {
    wire::ChangeSet set;
    set.stream_id = kStream;
    set.sequence = 7;
    set.entity = "items";
    set.run_id = "run";
    set.schema = {{"name", FieldType::string}};
    wire::Row a;
    a.op = wire::Op::insert;
    a.bk_hash = h(1);
    a.data_hash = h(2);
    a.values = {Value("alpha")};
    wire::Row b = a;
    b.bk_hash = h(3);
    set.rows = {a, b};
    return set;
}

std::string frame(const wire::ChangeSet& set, bool compress = true) {
    return wire::encode(set, {.compress = compress}).value();
}

TEST(PrepareTest, RendersARowPerChangeAndKnowsANewRowSet) {
    auto p = prepare(frame(base_set()), {}, kSite);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->stream_id, kStream);
    EXPECT_EQ(p->sequence, 7u);
    EXPECT_EQ(p->row_count, 2u);
    EXPECT_EQ(p->live_rows, 2u);
    EXPECT_TRUE(p->all_inserts);
    EXPECT_FALSE(p->copy_data.empty());
    EXPECT_FALSE(p->log_data.empty());
    EXPECT_EQ(p->copy_data.substr(0, 11), std::string("PGCOPY\n\xff\r\n\0", 11));
    EXPECT_NE(p->copy_data.find(R"({"name":"alpha"})"), std::string::npos);
}

TEST(PrepareTest, UpdatesRemovesAndParentsTakeTheGeneralPath) {
    auto set = base_set();
    set.rows[1].op = wire::Op::remove;
    set.rows[1].values.clear();
    auto p = prepare(frame(set), {}, kSite);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_FALSE(p->all_inserts);
    EXPECT_EQ(p->removes, 1u);
    EXPECT_TRUE(p->log_data.empty());

    auto child = base_set();
    child.parent_entity = "parents";
    child.rows[0].parent_bk_hash = h(9);
    auto c = prepare(frame(child), {}, kSite);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->rows_with_parent, 1u);
    EXPECT_TRUE(c->log_data.empty());
}

TEST(PrepareTest, RefusesWhatPostgresWouldRefuseWithRowAndField) {
    auto twice = base_set();
    twice.rows[1].bk_hash = twice.rows[0].bk_hash;
    auto a = prepare(frame(twice), {}, kSite);
    ASSERT_FALSE(a);
    EXPECT_NE(a.error().message.find("rows 1 and 2"), std::string::npos) << a.error().message;

    auto nul = base_set();
    nul.rows[1].values[0] = Value(std::string("a\0b", 3));
    auto b = prepare(frame(nul), {}, kSite);
    ASSERT_FALSE(b);
    EXPECT_NE(b.error().message.find("row 2, field 'name'"), std::string::npos)
        << b.error().message;

    auto stream = base_set();
    stream.stream_id = "not-a-uuid";
    EXPECT_NE(prepare(frame(stream), {}, kSite).error().message.find("not a UUID"),
              std::string::npos);

    auto zero = base_set();
    zero.sequence = 0;
    EXPECT_FALSE(prepare(frame(zero), {}, kSite));

    // A hand-made frame that carries parent hashes but names no parent entity
    // (the encoder never writes one): the parent entity "p" is cut out.
    auto orphan = base_set();
    orphan.parent_entity = "p";
    orphan.rows[0].parent_bk_hash = h(9);
    auto bytes = frame(orphan, false);
    std::string body = bytes.substr(wire::kEnvelopeSize);
    const std::size_t at = 1 + kStream.size() + 1 + 1 + 5;  // stream id, sequence, entity
    ASSERT_EQ(body.substr(at, 2), "\x01p");
    body.replace(at, 2, std::string(1, '\0'));
    auto put32 = [&](std::size_t offset, std::uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            bytes[offset + i] = static_cast<char>(v >> (8 * i));
        }
    };
    bytes = bytes.substr(0, wire::kEnvelopeSize) + body;
    put32(6, static_cast<std::uint32_t>(body.size()));
    put32(10, static_cast<std::uint32_t>(body.size()));
    put32(14, static_cast<std::uint32_t>(XXH3_64bits(body.data(), body.size())));
    auto o = prepare(bytes, {}, kSite);
    ASSERT_FALSE(o);
    EXPECT_NE(o.error().message.find("names no parent entity"), std::string::npos)
        << o.error().message;
}

TEST(PrepareTest, PeekFindsTheIdentityOfAFrameTheDecoderRefuses) {
    for (bool compress : {true, false}) {
        auto good = frame(base_set(), compress);
        auto bad = good;
        bad[14] = static_cast<char>(bad[14] ^ 0x55);  // the envelope checksum no longer matches
        EXPECT_FALSE(prepare(bad, {}, kSite));
        auto id = peek_identity(bad, {});
        ASSERT_TRUE(id) << compress;
        EXPECT_EQ(id->stream_id, kStream);
        EXPECT_EQ(id->sequence, 7u);
    }
    EXPECT_FALSE(peek_identity("CSCS", {}));
    EXPECT_FALSE(peek_identity(std::string(100, 'x'), {}));
    auto good = frame(base_set(), false);
    EXPECT_FALSE(peek_identity(good.substr(0, 20), {}));  // payload size disagrees
}

TEST(PrepareTest, HonoursTheDecoderLimits) {
    wire::Limits tight;
    tight.max_rows = 1;
    auto p = prepare(frame(base_set()), tight, kSite);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, ErrorCode::limit_exceeded);
}

}  // namespace
}  // namespace cs::relay::apply
