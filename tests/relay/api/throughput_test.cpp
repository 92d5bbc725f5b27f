// GET /sites/{id}/throughput and /heartbeats: per time bucket for the
// portal's charts; every bucket of the window present, other tenants' activity
// never counted.
#include <chrono>

#include <fmt/format.h>

#include "tests/relay/api/api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

class ThroughputTest : public ApiFixture {
protected:
    void applied(const TenantData& t, int sequence, const std::string& entity, int rows,
                 int changed, const std::string& ago) {
        sql(fmt::format(
            "INSERT INTO applied_change_sets (tenant_id, stream_id, sequence, site_id, entity, "
            "run_id, content_digest, row_count, rows_changed, rows_parked, applied_at) VALUES "
            "('{}', '00000000-0000-4000-8000-000000000001', {}, '{}', '{}', 'r', '\\x00', {}, {}, "
            "0, now() - interval '{}')",
            t.tenant_id, sequence, t.site_id, entity, rows, changed, ago));
    }
    void run(const TenantData& t, const std::string& id, const std::string& status,
             const std::string& ago) {
        sql(fmt::format(
            "INSERT INTO sync_runs (tenant_id, site_id, run_id, entity, status, finished_at, "
            "report) VALUES ('{}', '{}', '{}', 'items', '{}', now() - interval '{}', '{{}}')",
            t.tenant_id, t.site_id, id, status, ago));
    }
    static long sum(const nlohmann::json& buckets, const char* key) {
        long n = 0;
        for (const auto& b : buckets) {
            n += b[key].get<long>();
        }
        return n;
    }
};

TEST_F(ThroughputTest, CountsPerBucketWithEveryBucketOfTheWindow) {
    sql("DELETE FROM sync_runs");
    applied(a_, 1, "items", 10, 4, "30 minutes");
    applied(a_, 2, "items", 5, 5, "30 minutes");
    applied(a_, 3, "prices", 7, 1, "3 hours");
    applied(a_, 4, "items", 99, 99, "30 hours");  // outside a 24-hour window
    applied(b_, 1, "items", 1000, 1000, "10 minutes");
    run(a_, "run-1", "succeeded", "30 minutes");
    run(a_, "run-2", "failed", "3 hours");
    run(b_, "run-b", "failed", "10 minutes");

    auto analyst = login(email("a", "analyst"));
    auto r = call("GET", fmt::format("/api/v1/sites/{}/throughput?hours=24", a_.site_id), &analyst);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["bucket_minutes"], 60);
    const auto& buckets = r.body["buckets"];
    // The first bucket starts at or before the window, the last holds now.
    ASSERT_GE(buckets.size(), 24u);
    ASSERT_LE(buckets.size(), 25u);
    EXPECT_EQ(sum(buckets, "change_sets"), 3);
    EXPECT_EQ(sum(buckets, "rows"), 22);
    EXPECT_EQ(sum(buckets, "rows_changed"), 10);
    EXPECT_EQ(sum(buckets, "runs"), 2);
    EXPECT_EQ(sum(buckets, "failed_runs"), 1);
    int busiest = 0;
    for (const auto& b : buckets) {
        busiest = std::max(busiest, b["change_sets"].get<int>());
    }
    EXPECT_EQ(busiest, 2);  // the two sets of 30 minutes ago share a bucket

    auto items =
        call("GET", fmt::format("/api/v1/sites/{}/throughput?hours=48&entity=items", a_.site_id),
             &analyst);
    ASSERT_EQ(items.status, 200) << items.raw;
    EXPECT_EQ(sum(items.body["buckets"], "rows_changed"), 108);
    EXPECT_EQ(sum(items.body["buckets"], "runs"), 2);  // runs of the entity items

    auto fine = call(
        "GET", fmt::format("/api/v1/sites/{}/throughput?hours=2&bucket_minutes=15", a_.site_id),
        &analyst);
    ASSERT_EQ(fine.status, 200) << fine.raw;
    EXPECT_GE(fine.body["buckets"].size(), 8u);
    EXPECT_EQ(sum(fine.body["buckets"], "change_sets"), 2);
}

TEST_F(ThroughputTest, RefusesBadWindowsAndOtherTenantsSites) {
    auto analyst = login(email("a", "analyst"));
    auto path = fmt::format("/api/v1/sites/{}/throughput", a_.site_id);
    EXPECT_EQ(call("GET", path + "?hours=0", &analyst).status, 400);
    EXPECT_EQ(call("GET", path + "?hours=721", &analyst).status, 400);
    EXPECT_EQ(call("GET", path + "?bucket_minutes=1", &analyst).status, 400);
    auto many = call("GET", path + "?hours=720&bucket_minutes=5", &analyst);
    EXPECT_EQ(many.status, 400);
    EXPECT_NE(many.raw.find("1000 buckets"), std::string::npos) << many.raw;
    auto other = call("GET", fmt::format("/api/v1/sites/{}/throughput", b_.site_id), &analyst);
    EXPECT_EQ(other.status, 404) << other.raw;
}

// GET /sites/{id}/heartbeats: beats per bucket and the largest outbox they
// reported, from the per-minute history the agent link writes.
class HeartbeatsTest : public ThroughputTest {
protected:
    void beats(const TenantData& t, const std::string& ago, int n, const std::string& depth,
               const std::string& oldest) {
        sql(fmt::format(
            "INSERT INTO site_heartbeats (tenant_id, site_id, minute, beats, last_at, "
            "outbox_depth, outbox_oldest_seconds) SELECT '{0}', '{1}', m, {2}, m, {3}, {4} FROM "
            "date_trunc('minute', now() - interval '{5}') m",
            t.tenant_id, t.site_id, n, depth, oldest, ago));
    }
};

TEST_F(HeartbeatsTest, BeatsAndTheLargestOutboxPerBucketWithGapsShown) {
    sql("DELETE FROM site_heartbeats");
    beats(a_, "3 minutes", 4, "10", "30");
    beats(a_, "4 minutes", 4, "25", "90");
    beats(a_, "5 hours", 2, "NULL", "NULL");
    beats(a_, "30 hours", 4, "7", "7");       // outside a 24-hour window
    beats(b_, "3 minutes", 4, "999", "999");  // another tenant's site

    auto viewer = login(email("a", "viewer"));
    auto r = call("GET", fmt::format("/api/v1/sites/{}/heartbeats", a_.site_id), &viewer);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["bucket_minutes"], 15);
    const auto& buckets = r.body["buckets"];
    ASSERT_GE(buckets.size(), 96u);
    ASSERT_LE(buckets.size(), 97u);
    EXPECT_EQ(sum(buckets, "beats"), 10);
    int heard = 0;
    long deepest = 0;
    for (const auto& b : buckets) {
        if (b["beats"].get<int>() == 0) {
            EXPECT_TRUE(b["outbox_depth"].is_null()) << b;  // a gap reports nothing
            continue;
        }
        ++heard;
        if (!b["outbox_depth"].is_null()) {
            deepest = std::max(deepest, b["outbox_depth"].get<long>());
        }
    }
    EXPECT_GE(heard, 2);  // the recent beats (one or two buckets) and 5 hours ago
    EXPECT_LE(heard, 3);
    EXPECT_EQ(deepest, 25);
    const auto& last = buckets.back();
    if (last["beats"].get<int>() == 8) {  // both recent minutes in the current bucket
        EXPECT_EQ(last["outbox_depth"], 25);
        EXPECT_EQ(last["outbox_oldest_seconds"], 90);
    }

    auto minutes =
        call("GET", fmt::format("/api/v1/sites/{}/heartbeats?hours=1&bucket_minutes=1", a_.site_id),
             &viewer);
    ASSERT_EQ(minutes.status, 200) << minutes.raw;
    EXPECT_EQ(sum(minutes.body["buckets"], "beats"), 8);
    EXPECT_GE(minutes.body["buckets"].size(), 60u);
}

TEST_F(HeartbeatsTest, RefusesBadWindowsAndOtherTenantsSites) {
    auto analyst = login(email("a", "analyst"));
    auto path = fmt::format("/api/v1/sites/{}/heartbeats", a_.site_id);
    EXPECT_EQ(call("GET", path + "?bucket_minutes=0", &analyst).status, 400);
    EXPECT_EQ(call("GET", path + "?hours=24&bucket_minutes=1", &analyst).status, 400);
    auto other = call("GET", fmt::format("/api/v1/sites/{}/heartbeats", b_.site_id), &analyst);
    EXPECT_EQ(other.status, 404) << other.raw;
}

}  // namespace
}  // namespace cs::relay::api::testing
