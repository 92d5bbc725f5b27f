// The seeded scenario of docs/reconciliation.md: every rule fires on known lines
// and on no clean one, then P21 corrections, overrides and reruns.
#include <gtest/gtest.h>

#include "relay/db/tenant_claim.hpp"
#include "relay/recon/recon.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

class ScenarioTest : public ReconFixture {
protected:
    void seed() override {
        // P21: supplier 10 "Acme" (matched by name), 20 "Bolt Co" (linked as BOLT).
        p21_.supplier(10, "Acme");
        p21_.supplier(20, "Bolt Co");
        p21_.item(1001, "TAPE-1", "Painter's tape 1 in x 60 yd");
        p21_.uom(1, 1001, "EA", "1");
        p21_.uom(2, 1001, "CS", "24");
        p21_.supplier_item(1, 1001, 10, "3M-2090-1", "0.2000");
        p21_.item(1002, "TAPE-2", "Painter's tape 2 in x 60 yd");
        p21_.uom(3, 1002, "EA", "1");
        p21_.uom(4, 1002, "CS", "12");
        p21_.supplier_item(2, 1002, 10, "3M-2090-2", "0.7500");
        p21_.item(1003, "NAIL-16D", "Common nails 16D", "BX");
        p21_.uom(5, 1003, "EA", "1");
        p21_.uom(6, 1003, "BX", "50");
        p21_.supplier_item(3, 1003, 10, "BRN-16D-50", "42.00");
        p21_.item(1004, "GLOVE-L", "Nitrile gloves large", "CS");
        p21_.uom(7, 1004, "EA", "1");
        p21_.uom(8, 1004, "CS", "100");
        p21_.supplier_item(4, 1004, 10, "GLV-NIT-L", "11.00");
        p21_.item(1005, "OLD-ITEM", "Discontinued widget", "EA", false);
        p21_.supplier_item(5, 1005, 10, "OLD-1", "1.00");
        p21_.item(1006, "VALVE-2", "Ball valve 2 in");
        p21_.supplier_item(6, 1006, 10, "VLV-2", "10.00");
        p21_.item(1007, "PIPE-3", "PVC pipe 3 in");
        p21_.supplier_item(7, 1007, 10, "PIPE-3", "5.00");
        p21_.item(1008, "BOLT-M8", "Hex bolt M8");
        p21_.supplier_item(8, 1008, 20, "M8-BOLT", "0.1000");
        p21_.item(1009, "WASHER-1", "Flat washer 1");
        p21_.supplier_item(9, 1009, 20, "WSH-1", "1.00");
        p21_.item(1010, "WASHER-2", "Flat washer 2");
        p21_.supplier_item(10, 1010, 20, "WSH-2", "1.00");
        p21_.item(1011, "CLAMP-9", "Hose clamp 9");  // no cost from supplier 10
        sync_p21();
        ASSERT_TRUE(set_vendor_link(*conn_, tenant_, "bolt", "20"));
        set_policy("0.01", "1", "any");

        // Uploaded contract lines.
        upload("acme.csv",
               "Vendor,Contract #,Item ID,UOM,Price,Currency,Start,End\n"
               "acme,AC-1,3M-2090-1,CS,4.80,USD,2026-01-01,2026-12-31\n"    // clean (24 x 0.20)
               "acme,AC-1,3M-2090-2,CS,9.60,USD,2026-01-01,2026-12-31\n"    // 0.80 vs 0.75
               "acme,AC-1,BRN-16D-50,PL,2000.00,,2026-01-01,2026-12-31\n"   // no PL in P21
               "acme,AC-1,OLD-1,EA,1.00,,2026-01-01,2026-12-31\n"           // inactive item
               "acme,AC-1,PIPE-3,EA,5.50,,2026-06-01,2026-12-31\n"          // starts later
               "acme,AC-1,UNKNOWN-99,EA,3.00,,2026-01-01,2026-12-31\n"      // no P21 item
               "acme,AC-1,3M-2090-1,EA,0.20,EUR,2026-01-01,2026-12-31\n");  // other currency
        upload("acme-old.csv",
               "Vendor,Contract #,Item ID,UOM,Pack Size,Price,Start,End\n"
               "acme,AC-0,VLV-2,EA,,12.00,2025-01-01,2026-01-31\n"  // expired
               "acme,AC-0,GLV-NIT-L,CS,50,11.00,2026-01-01,\n");    // pack of 50 vs 100
        // Lines synced from the drop-folder agent.
        contracts_.line({"B-1", "M8-BOLT", "BOLT", "EA", "0.10"});    // clean
        contracts_.line({"B-1", "WSH-1", "BOLT", "EA", "1.01"});      // exactly at tolerance
        contracts_.line({"B-1", "WSH-2", "BOLT", "EA", "1.0101"});    // just over both
        contracts_.line({"AC-2", "CLAMP-99", "ACME", "EA", "2.00"});  // mapped by hand below
        sync_contracts();
        auto manual = create_mapping(*conn_, tenant_, {"ACME", "CLAMP-99", "EA"},
                                     {"CLAMP-9", "", ""}, Actor{});
        ASSERT_TRUE(manual) << manual.error().message;
    }
};

const std::set<Finding> kExpected = {
    {"PRICE_MISMATCH", "3M-2090-2", "CS"},   {"UOM_MISMATCH", "BRN-16D-50", "PL"},
    {"UOM_MISMATCH", "GLV-NIT-L", "CS"},     {"INACTIVE_ITEM", "OLD-1", "EA"},
    {"EXPIRED_CONTRACT", "VLV-2", "EA"},     {"NOT_YET_EFFECTIVE", "PIPE-3", "EA"},
    {"MISSING_MAPPING", "UNKNOWN-99", "EA"}, {"PRICE_MISMATCH", "WSH-2", "EA"},
    {"PRICE_MISMATCH", "CLAMP-99", "EA"},    {"PRICE_MISMATCH", "3M-2090-1", "EA"},
};

TEST_F(ScenarioTest, EveryRuleFiresOnItsLinesAndNoneOnCleanOnes) {
    auto summary = run_on("2026-03-01");
    EXPECT_EQ(findings(), kExpected);
    EXPECT_EQ(summary.lines, 13);
    EXPECT_EQ(summary.lines_invalid, 0);
    EXPECT_EQ(summary.lines_mapped, 12);
    EXPECT_EQ(summary.opened, 10);
    EXPECT_EQ(summary.open_after, 10);
    EXPECT_EQ(summary.findings.at("PRICE_MISMATCH"), 4);
    EXPECT_EQ(summary.findings.at("UOM_MISMATCH"), 2);
    for (const char* rule :
         {"MISSING_MAPPING", "EXPIRED_CONTRACT", "NOT_YET_EFFECTIVE", "INACTIVE_ITEM"}) {
        EXPECT_EQ(summary.findings.at(rule), 1) << rule;
    }

    auto price = find("PRICE_MISMATCH", "3M-2090-2");
    EXPECT_EQ(price.severity, "medium");
    EXPECT_EQ(price.p21_item_id, "TAPE-2");
    EXPECT_EQ(price.supplier_id, "10");
    EXPECT_EQ(price.details["reason"], "difference");
    EXPECT_EQ(price.details["contract_price"], "9.60");
    EXPECT_EQ(price.details["contract_unit_size"], "12");
    EXPECT_EQ(price.details["p21_cost"], "0.7500");
    EXPECT_EQ(price.details["contract_price_per_p21_unit"], "0.8");
    EXPECT_EQ(price.details["difference"], "0.05");
    EXPECT_EQ(price.details["difference_pct"], "6.6667");
    EXPECT_NE(price.suggested_action.find("Update the P21 cost of item TAPE-2 from supplier 10 "
                                          "to 0.8 per EA"),
              std::string::npos)
        << price.suggested_action;

    auto no_cost = find("PRICE_MISMATCH", "CLAMP-99");
    EXPECT_EQ(no_cost.details["reason"], "no_p21_cost");
    EXPECT_EQ(no_cost.severity, "high");
    EXPECT_EQ(find("PRICE_MISMATCH", "3M-2090-1", "EA").details["reason"], "currency");
    EXPECT_EQ(find("UOM_MISMATCH", "BRN-16D-50").details["problem"], "unit_not_in_p21");
    auto pack = find("UOM_MISMATCH", "GLV-NIT-L");
    EXPECT_EQ(pack.details["problem"], "unit_size_differs");
    EXPECT_EQ(pack.details["contract_unit_size"], "50");
    EXPECT_EQ(pack.details["p21_unit_size"], "100");
    EXPECT_EQ(find("INACTIVE_ITEM", "OLD-1").details["reason"], "inactive");
    EXPECT_EQ(find("EXPIRED_CONTRACT", "VLV-2").details["days_expired"], 29);
    EXPECT_EQ(find("NOT_YET_EFFECTIVE", "PIPE-3").severity, "low");
    auto missing = find("MISSING_MAPPING", "UNKNOWN-99");
    EXPECT_EQ(missing.details["supplier_id"], "10");
    EXPECT_EQ(missing.details["supplier_known"], true);
    for (const auto& e : exceptions()) {
        EXPECT_FALSE(e.message.empty()) << e.rule;
        EXPECT_FALSE(e.suggested_action.empty()) << e.rule;
        EXPECT_EQ(e.status, "open");
        EXPECT_EQ(e.first_run_id, summary.run_id);
    }
}

TEST_F(ScenarioTest, AnExceptionStillTrueKeepsItsIdentity) {
    auto first = run_on("2026-03-01");
    std::map<Finding, std::string> ids;
    for (const auto& e : exceptions()) {
        ids[{e.rule, e.vendor_item, e.vendor_uom}] = e.exception_id;
    }
    auto second = run_on("2026-03-02");
    EXPECT_EQ(second.opened, 0);
    EXPECT_EQ(second.still_open, 10);
    EXPECT_EQ(second.auto_resolved, 0);
    for (const auto& e : exceptions()) {
        EXPECT_EQ(e.exception_id, ids.at({e.rule, e.vendor_item, e.vendor_uom}));
        EXPECT_EQ(e.first_run_id, first.run_id);
        EXPECT_EQ(e.last_run_id, second.run_id);
    }
    // A re-upload of the same contract replaces its lines; the exceptions stay.
    auto again = upload("acme-old-v2.csv",
                        "Vendor,Contract #,Item ID,UOM,Pack Size,Price,Start,End\n"
                        "acme,AC-0,VLV-2,EA,,12.00,2025-01-01,2026-01-31\n"
                        "acme,AC-0,GLV-NIT-L,CS,50,11.00,2026-01-01,\n");
    EXPECT_EQ(again.superseded_lines, 2u);
    run_on("2026-03-03");
    EXPECT_EQ(find("EXPIRED_CONTRACT", "VLV-2").exception_id,
              ids.at({"EXPIRED_CONTRACT", "VLV-2", "EA"}));
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_exceptions"), "10");
}

// Numbers are counted per tenant: other tenants' exceptions (here, a global
// sequence already far along) do not show in this tenant's "#1", "#2", ...
TEST_F(ScenarioTest, ExceptionNumbersAreCountedPerTenant) {
    scalar("SELECT setval(pg_get_serial_sequence('recon_exceptions', 'seq'), 118000)");
    run_on("2026-03-01");
    std::set<std::int64_t> numbers;
    for (const auto& e : exceptions()) {
        numbers.insert(e.number);
    }
    std::set<std::int64_t> expected;
    for (std::int64_t n = 1; n <= static_cast<std::int64_t>(kExpected.size()); ++n) {
        expected.insert(n);
    }
    EXPECT_EQ(numbers, expected);
    auto price = find("PRICE_MISMATCH", "3M-2090-2");

    // A new finding takes the next number; one that clears and returns keeps its own.
    p21_.supplier_item(2, 1002, 10, "3M-2090-2", "0.8000");
    p21_.remove_supplier_item(9);  // WSH-1 no longer maps: MISSING_MAPPING opens
    sync_p21();
    run_on("2026-03-02");
    EXPECT_EQ(find("MISSING_MAPPING", "WSH-1").number,
              static_cast<std::int64_t>(kExpected.size()) + 1);
    p21_.supplier_item(2, 1002, 10, "3M-2090-2", "0.7500");
    sync_p21();
    run_on("2026-03-03");
    EXPECT_EQ(find("PRICE_MISMATCH", "3M-2090-2").number, price.number);
    EXPECT_EQ(scalar("SELECT last FROM recon_exception_numbers"),
              std::to_string(kExpected.size() + 1));
}

TEST_F(ScenarioTest, CorrectionsSyncedFromP21AutoResolveWithANote) {
    run_on("2026-03-01");
    auto price = find("PRICE_MISMATCH", "3M-2090-2");
    auto inactive = find("INACTIVE_ITEM", "OLD-1");
    // P21 is corrected and the agent syncs: the cost now matches the contract and
    // the item is active again.
    p21_.supplier_item(2, 1002, 10, "3M-2090-2", "0.8000");
    p21_.item(1005, "OLD-ITEM", "Discontinued widget", "EA", true);
    sync_p21();
    auto summary = run_on("2026-03-02");
    EXPECT_EQ(summary.auto_resolved, 2);
    auto resolved = get_exception(*conn_, tenant_, price.exception_id).value();
    EXPECT_EQ(resolved.status, "resolved");
    EXPECT_EQ(resolved.resolution_kind, "auto");
    EXPECT_EQ(resolved.resolution, "the condition no longer holds");
    EXPECT_EQ(get_exception(*conn_, tenant_, inactive.exception_id)->status, "resolved");
    auto events = exception_events(*conn_, tenant_, price.exception_id).value();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, "opened");
    EXPECT_EQ(events[1].kind, "auto_resolved");
    EXPECT_EQ(events[1].run_id, summary.run_id);
    // The newly active item's line is now priced: 1.00 EA against cost 1.00 is clean.
    std::set<Finding> expected = kExpected;
    expected.erase({"PRICE_MISMATCH", "3M-2090-2", "CS"});
    expected.erase({"INACTIVE_ITEM", "OLD-1", "EA"});
    EXPECT_EQ(findings(), expected);

    // The condition returns (the cost is changed back): the same exception reopens.
    p21_.supplier_item(2, 1002, 10, "3M-2090-2", "0.7500");
    sync_p21();
    auto third = run_on("2026-03-03");
    EXPECT_EQ(third.reopened, 1);
    auto reopened = get_exception(*conn_, tenant_, price.exception_id).value();
    EXPECT_EQ(reopened.status, "open");
    EXPECT_EQ(reopened.resolution, "");
    auto reopen = exception_events(*conn_, tenant_, price.exception_id)->back();
    EXPECT_EQ(reopen.kind, "reopened");
    EXPECT_TRUE(reopen.note.starts_with("the condition holds again (resolved by a run on "))
        << reopen.note;

    // A contract line that disappears resolves its exceptions too.
    p21_.remove_supplier_item(9);  // WSH-1 no longer maps: MISSING_MAPPING opens
    sync_p21();
    upload("acme-old-v3.csv",
           "Vendor,Contract #,Item ID,UOM,Price,Start,End\nacme,AC-0,VLV-2,EA,10.00,2026-01-01,\n");
    run_on("2026-03-04");
    auto gone = find("UOM_MISMATCH", "GLV-NIT-L");
    EXPECT_EQ(gone.status, "resolved");
    EXPECT_EQ(gone.resolution, "the contract line is no longer present");
    EXPECT_EQ(find("EXPIRED_CONTRACT", "VLV-2").status, "resolved");  // renewed
    EXPECT_EQ(find("MISSING_MAPPING", "WSH-1").status, "open");
}

TEST_F(ScenarioTest, OverridesAreHonouredUntilTheirDateOrNewNumbers) {
    run_on("2026-03-01");
    // WSH-2 has no end date, so its variance outlives any as-of date used here.
    auto price = find("PRICE_MISMATCH", "WSH-2");
    ExceptionAction override_action{ActionKind::override_variance, "vendor credit each quarter",
                                    std::nullopt, date("2099-03-31")};
    auto audit = act_on_exception(*conn_, tenant_, price.exception_id, Actor{}, override_action);
    ASSERT_TRUE(audit) << audit.error().message;
    EXPECT_EQ(audit->before["status"], "open");
    EXPECT_EQ(audit->after["status"], "overridden");
    EXPECT_EQ(audit->after["override_until"], "2099-03-31");

    auto next = run_on("2026-03-10");
    EXPECT_EQ(next.overridden, 1);
    EXPECT_EQ(next.open_after, 9);
    auto kept = get_exception(*conn_, tenant_, price.exception_id).value();
    EXPECT_EQ(kept.status, "overridden");
    EXPECT_EQ(kept.override_reason, "vendor credit each quarter");
    EXPECT_EQ(kept.override_until, "2099-03-31");

    // After the date the variance is an exception again, the same one.
    auto later = run_on("2099-04-01");
    EXPECT_EQ(later.override_ended, 1);
    auto ended = get_exception(*conn_, tenant_, price.exception_id).value();
    EXPECT_EQ(ended.status, "open");
    EXPECT_EQ(ended.override_until, "");
    EXPECT_EQ(exception_events(*conn_, tenant_, price.exception_id)->back().note,
              "override until 2099-03-31 expired");

    // An override accepts these numbers only: a new P21 cost ends it at once.
    ASSERT_TRUE(act_on_exception(*conn_, tenant_, price.exception_id, Actor{}, override_action));
    EXPECT_EQ(run_on("2026-03-11").overridden, 1);
    p21_.supplier_item(10, 1010, 20, "WSH-2", "0.9000");
    sync_p21();
    auto changed = run_on("2026-03-12");
    EXPECT_EQ(changed.override_ended, 1);
    auto reopened = get_exception(*conn_, tenant_, price.exception_id).value();
    EXPECT_EQ(reopened.status, "open");
    EXPECT_EQ(reopened.details["p21_cost"], "0.9000");
    EXPECT_EQ(exception_events(*conn_, tenant_, price.exception_id)->back().note,
              "the numbers changed since the override was given: P21 cost changed from 1.00 to "
              "0.9000 in P21 (site p21)");
}

TEST_F(ScenarioTest, RunsInsideATenantTransactionSeeOnlyTheirTenant) {
    // Another tenant with the same vendor and item numbers, reconciled too.
    auto other_tenant = sites::create_tenant(*conn_, "other-" + db_->name()).value();
    auto other_site = sites::create_site(*conn_, other_tenant.tenant_id, "p21").value();
    P21Source other;
    other.supplier(10, "Acme");
    other.item(1002, "TAPE-2", "Painter's tape 2 in x 60 yd");
    other.supplier_item(2, 1002, 10, "3M-2090-2", "0.1000");
    {
        apply::Applier applier(*conn_);
        std::uint64_t seq = 1;
        apply::SiteRef site{other_site.site.tenant_id, other_site.site.site_id};
        for (const auto& f : other.take_frames("0190f5e2-7a41-7c3e-8b5d-000000000009", seq)) {
            ASSERT_EQ(applier.apply(site, apply::prepare(f, {}, site).value())->verdict,
                      apply::Verdict::applied);
        }
    }
    VendorUpload line{
        "other.csv", "Vendor,Contract,Item,UOM,Price\nacme,X,3M-2090-2,EA,1.00\n", {}, Actor{}};
    ASSERT_TRUE(ingest_vendor_file(*conn_, *store_, other_tenant.tenant_id, line));
    ASSERT_EQ(run(*conn_, other_tenant.tenant_id, {})->opened, 1);

    // The API's transaction: role contractsync_tenant, the tenant set.
    auto claim = db::TenantClaimKey::load(*conn_).value().sign_for(tenant_);
    ASSERT_TRUE(conn_->exec("api transaction",
                            "BEGIN; SET LOCAL ROLE contractsync_tenant; SELECT set_config("
                            "'contractsync.tenant_id', '" +
                                claim + "', true)"));
    RunOptions options;
    options.as_of = date("2026-03-01");
    auto summary = run(*conn_, tenant_, options);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->opened, 10);
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_exceptions"), "10")
        << "RLS hides the other tenant";
    auto p = find("PRICE_MISMATCH", "3M-2090-2");
    EXPECT_EQ(p.details["p21_cost"], "0.7500") << "never the other tenant's cost";
    // A failed action inside the API transaction leaves it usable.
    auto refused = act_on_exception(*conn_, tenant_, p.exception_id, Actor{},
                                    {ActionKind::reopen, "", std::nullopt, std::nullopt});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::conflict);
    EXPECT_TRUE(act_on_exception(*conn_, tenant_, p.exception_id, Actor{},
                                 {ActionKind::comment, "checked", std::nullopt, std::nullopt}));
    // Another tenant cannot be reconciled from here, even by asking: its run
    // row is refused by row-level security, and the transaction stays usable.
    EXPECT_FALSE(run(*conn_, other_tenant.tenant_id, {}));
    ASSERT_TRUE(conn_->exec("api transaction", "COMMIT"));
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_exceptions WHERE tenant_id = '" + tenant_ + "'"),
              "10");
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_exceptions WHERE tenant_id = '" +
                     other_tenant.tenant_id + "' AND status = 'open'"),
              "1");
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_exception_events WHERE kind = 'comment'"), "1");
}

}  // namespace
}  // namespace cs::relay::recon::testing
