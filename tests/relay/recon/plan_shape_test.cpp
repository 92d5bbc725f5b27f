// Runs whose cost does not hang on PostgreSQL's statistics: a tenant that joins
// a database whose statistics know nothing of it yet (they describe the other
// tenants) gets thousands of exceptions from its first vendor file, and every
// run over them stays a single pass, well inside a short statement timeout.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "relay/recon/p21_catalog.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

constexpr int kLines = 15'000;

// Lines whose part numbers P21 does not know: each is a MISSING_MAPPING.
std::string unmapped_csv(const std::string& item_prefix) {
    std::string csv = "Vendor,Contract #,Item ID,Description,UOM,Price,Start,End\n";
    for (int i = 0; i < kLines; ++i) {
        csv += fmt::format("V-{},C-2026,{}-{:06},Item {},EA,{}.50,2026-01-01,2026-12-31\n", i % 10,
                           item_prefix, i, i, 1 + i % 90);
    }
    return csv;
}

class PlanShapeTest : public ReconFixture {
protected:
    void seed() override {
        // Another tenant's exceptions, which the statistics describe; the
        // tenant under test has none yet and autovacuum will not notice it
        // (on a big shared table it stays under the 10% threshold for long).
        auto other = scalar(
            "INSERT INTO tenants (tenant_id, name) VALUES (gen_random_uuid(), 'other') "
            "RETURNING tenant_id");
        ASSERT_TRUE(conn_->query("other exceptions", R"sql(
            INSERT INTO recon_exceptions (tenant_id, rule, line_key, vendor_id, contract_no,
                vendor_item, vendor_uom, severity, severity_rank, status, message,
                suggested_action, details, fingerprint, first_run_id, last_run_id, number)
            SELECT $1::uuid, 'MISSING_MAPPING', 'V' || n, 'V', 'C', 'I' || n, 'EA', 'medium', 2,
                   'open', 'm', 'a', '{}', 'f', gen_random_uuid(), gen_random_uuid(), n
            FROM generate_series(1, 20000) n)sql",
                                 db::Params().text(other)));
        ASSERT_TRUE(conn_->exec("statistics", "ANALYZE recon_exceptions"));
        ASSERT_TRUE(conn_->exec("autovacuum off",
                                "ALTER TABLE recon_exceptions SET (autovacuum_enabled = false); "
                                "ALTER TABLE recon_exception_events SET "
                                "(autovacuum_enabled = false)"));
        // Generous for a run of 15k lines here (about a second), far below
        // what comparing every exception with every other takes.
        ASSERT_TRUE(conn_->exec("cap", "SET statement_timeout = '20s'"));
    }
};

TEST_F(PlanShapeTest, ANewTenantsThousandsOfExceptionsTakeOnePassEachRun) {
    EXPECT_EQ(upload("first.csv", unmapped_csv("NEW")).file.lines_accepted,
              static_cast<std::uint64_t>(kLines));
    auto first = run_on("2026-03-01");
    EXPECT_EQ(first.opened, kLines);
    EXPECT_EQ(first.findings["MISSING_MAPPING"], kLines);

    auto again = run_on("2026-03-01");
    EXPECT_EQ(again.opened, 0);
    EXPECT_EQ(again.still_open, kLines);
    EXPECT_EQ(again.auto_resolved, 0);

    // The vendors reissue their contracts with new item numbers: every
    // earlier line is gone, its exception resolves, every new line opens one.
    auto replaced = upload("second.csv", unmapped_csv("RENUMBERED"));
    EXPECT_EQ(replaced.file.lines_accepted, static_cast<std::uint64_t>(kLines));
    auto after = run_on("2026-03-01");
    EXPECT_EQ(after.auto_resolved, kLines);
    EXPECT_EQ(after.opened, kLines);
    EXPECT_EQ(after.open_after, kLines);
    EXPECT_EQ(scalar(fmt::format("SELECT count(*) FROM recon_exceptions WHERE tenant_id = '{}' "
                                 "AND resolution = 'the contract line is no longer present'",
                                 tenant_)),
              std::to_string(kLines));
}

// P21 rows written straight into records, shaped as the apply engine leaves
// them: `items` inv_mast rows and an EA unit for each.
void load_items(db::Connection& conn, const apply::SiteRef& site, int items) {
    const char* kSql = R"sql(
        INSERT INTO records (tenant_id, site_id, entity, bk_hash, parent_bk_hash, data,
                             data_hash, rowversion, last_sequence)
        SELECT $1::uuid, $2::uuid, 'inv_mast', decode(md5($1 || 'i' || n), 'hex'), NULL,
               jsonb_build_object('inv_mast_uid', n, 'item_id', 'ITEM-' || n,
                                  'item_desc', 'Item ' || n, 'active', true),
               decode(md5('d' || n), 'hex'), 'rv', 1
        FROM generate_series(1, $3::int) n
        UNION ALL
        SELECT $1::uuid, $2::uuid, 'item_uom', decode(md5($1 || 'u' || n), 'hex'),
               decode(md5($1 || 'i' || n), 'hex'),
               jsonb_build_object('item_uom_uid', n, 'inv_mast_uid', n, 'unit_of_measure', 'EA',
                                  'unit_size', 1, 'active', true),
               decode(md5('e' || n), 'hex'), 'rv', 1
        FROM generate_series(1, $3::int) n)sql";
    ASSERT_TRUE(conn.query("P21 rows", kSql,
                           db::Params().text(site.tenant_id).text(site.site_id).integer(items)));
}

class CatalogShapeTest : public ReconFixture {
protected:
    void seed() override {
        // Another tenant's P21 rows and catalog are what the statistics describe.
        auto other_tenant = scalar(
            "INSERT INTO tenants (tenant_id, name) VALUES (gen_random_uuid(), 'other') "
            "RETURNING tenant_id");
        auto other_site = scalar(fmt::format(
            "INSERT INTO sites (tenant_id, site_id, name) VALUES ('{}', gen_random_uuid(), "
            "'p21') RETURNING site_id",
            other_tenant));
        load_items(*conn_, {other_tenant, other_site}, 20'000);
        ASSERT_TRUE(refresh_p21_catalog(*conn_, other_tenant));
        ASSERT_TRUE(conn_->exec("statistics", "ANALYZE"));
        for (const char* table : {"records", "recon_p21_items", "recon_p21_units"}) {
            ASSERT_TRUE(
                conn_->exec("autovacuum off",
                            fmt::format("ALTER TABLE {} SET (autovacuum_enabled = false)", table)));
        }
        load_items(*conn_, p21_site_, kItems);
        ASSERT_TRUE(conn_->exec("cap", "SET statement_timeout = '20s'"));
    }
    static constexpr int kItems = 10'000;
};

TEST_F(CatalogShapeTest, ANewTenantsFirstCatalogBuildJoinsUnitSizesOncePerItem) {
    auto refreshed = refresh_p21_catalog(*conn_, tenant_);
    ASSERT_TRUE(refreshed) << refreshed.error().message;
    EXPECT_TRUE(refreshed->full);
    EXPECT_EQ(scalar(fmt::format("SELECT count(*) FROM recon_p21_items WHERE tenant_id = '{}' "
                                 "AND unit_sizes = '{{\"EA\": 1}}'",
                                 tenant_)),
              std::to_string(kItems));
}

}  // namespace
}  // namespace cs::relay::recon::testing
