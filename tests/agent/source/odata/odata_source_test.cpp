#include <string>

#include <gtest/gtest.h>

#include "agent/normalize/time_zone.hpp"
#include "agent/source/odata/odata_url.hpp"
#include "agent/source/odata/page_parser.hpp"
#include "agent/source/odata/request_pacer.hpp"
#include "agent/source/odata/watermark.hpp"

namespace cs::agent::odata {
namespace {

using namespace std::chrono_literals;

TEST(OdataUrl, EncodesItemIdCharactersInQueryValues) {
    EXPECT_EQ(encode_query_value("item_id eq 'A+B 3/4#&'"),
              "item_id%20eq%20%27A%2BB%203%2F4%23%26%27");
    EXPECT_EQ(quote_literal("O'BRIEN"), "'O''BRIEN'");
    EXPECT_EQ(with_query("http://h/t", {{"$top", "10"}, {"$skip", "0"}}),
              "http://h/t?$top=10&$skip=0");
}

TEST(OdataUrl, ResolvesRelativeAndAbsoluteNextLinks) {
    std::string request = "http://127.0.0.1:5/generic/v4/Products?$select=Sku";
    EXPECT_EQ(*resolve_next_link(request, "Products?$skiptoken=o3e8"),
              "http://127.0.0.1:5/generic/v4/Products?$skiptoken=o3e8");
    EXPECT_EQ(*resolve_next_link(request, "/odata/x?$skiptoken=1"),
              "http://127.0.0.1:5/odata/x?$skiptoken=1");
    EXPECT_EQ(*resolve_next_link(request, "HTTP://127.0.0.1:5/a?b"), "HTTP://127.0.0.1:5/a?b");
}

TEST(OdataUrl, RefusesNextLinksToAnotherServer) {
    auto next = resolve_next_link("https://p21.local/t", "https://evil.example/t?$skiptoken=1");
    ASSERT_FALSE(next);
    EXPECT_NE(next.error().message.find("another server"), std::string::npos);
}

TEST(RateLimiter, KeepsToThePerMinuteWindow) {
    RateLimiter limiter(3, 100);
    auto t0 = SteadyClock::now();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(limiter.delay(t0 + std::chrono::seconds(i)).count(), 0);
        limiter.record(t0 + std::chrono::seconds(i));
    }
    EXPECT_EQ(limiter.delay(t0 + 10s), 50s) << "the 4th waits until the 1st leaves the minute";
    EXPECT_EQ(limiter.delay(t0 + 60s).count(), 0);
}

TEST(RateLimiter, KeepsToThePerHourWindow) {
    RateLimiter limiter(100, 2);
    auto t0 = SteadyClock::now();
    limiter.record(t0);
    limiter.record(t0 + 1s);
    EXPECT_EQ(limiter.delay(t0 + 2min), 58min);
}

TEST(Backoff, GrowsExponentiallyWithJitterUpToTheCap) {
    Backoff backoff(100ms, 1s, 7);
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto full = std::min(100ms * (1 << attempt), std::chrono::milliseconds(1s));
        auto wait = backoff.next(attempt);
        EXPECT_GE(wait, full / 2) << attempt;
        EXPECT_LE(wait, full) << attempt;
    }
}

TEST(PageParser, ReadsRowsCountAndNextLinkInColumnOrder) {
    PageParser parser({"item_id", "cost", "active", "note"});
    std::string body = R"({"@odata.context":"x","@odata.count":7,"value":[
        {"cost":12.3450,"item_id":"A\"1","active":true,"extra":{"a":[1]}},
        {"item_id":"B","cost":null,"active":false,"note":"Caf\u00e9"}],
        "@odata.nextLink":"inv_mast?$skiptoken=2"})";
    RawBatch batch;
    batch.set_columns(parser.columns());
    auto page = parser.parse(body, batch, 3, 10);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->rows, 2u);
    EXPECT_EQ(page->count, 7);
    EXPECT_EQ(page->next_link, "inv_mast?$skiptoken=2");
    ASSERT_EQ(batch.size(), 2u);
    auto first = batch.row(0);
    EXPECT_EQ(first[0].text, "A\"1");
    EXPECT_EQ(first[1].kind, CellKind::number);
    EXPECT_EQ(first[1].text, "12.3450") << "exact digits, not a double";
    EXPECT_EQ(first[2].text, "true");
    EXPECT_EQ(first[3].kind, CellKind::empty);
    EXPECT_EQ(batch.row(1)[1].kind, CellKind::empty);
    EXPECT_EQ(batch.row(1)[3].text, "Caf\xc3\xa9");
    EXPECT_EQ(batch.location(1).page, 3u);
    EXPECT_EQ(batch.location(1).record, 12u);
    EXPECT_EQ(batch.raw(1).substr(0, 13), R"({"item_id":"B)");
}

TEST(PageParser, RejectsTruncatedPages) {
    PageParser parser({"item_id"});
    std::string body = R"({"value":[{"item_id":"A"},{"item_id":"B)";
    RawBatch batch;
    EXPECT_FALSE(parser.parse(body, batch, 1, 0));
    std::string no_value = R"({"error":{"code":"400","message":"bad"}})";
    EXPECT_FALSE(parser.parse(no_value, batch, 1, 0));
}

TEST(Watermark, ReadsNaiveServerTimesInTheServersZone) {
    auto zone = normalize::find_zone("America/Chicago");
    ASSERT_TRUE(zone);
    InstantReader reader(*zone);
    // 10:00 CDT is 15:00 UTC; an explicit offset wins over the zone.
    EXPECT_EQ(format_utc(*reader.micros("2025-06-01T10:00:00")), "2025-06-01T15:00:00.000000Z");
    EXPECT_EQ(format_utc(*reader.micros("2025-01-01T10:00:00.123")), "2025-01-01T16:00:00.123000Z");
    EXPECT_EQ(format_utc(*reader.micros("2025-06-01T10:00:00Z")), "2025-06-01T10:00:00.000000Z");
    EXPECT_FALSE(reader.micros("yesterday"));
    auto stored = parse_watermark("2025-06-01T15:00:00.000000Z");
    ASSERT_TRUE(stored);
    EXPECT_EQ(filter_literal(*stored, *zone), "2025-06-01T10:00:00.000");
    EXPECT_EQ(filter_literal(*stored, nullptr), "2025-06-01T15:00:00.000Z");
}

}  // namespace
}  // namespace cs::agent::odata
