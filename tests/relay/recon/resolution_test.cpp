// Resolutions that stick: a person's resolution holds until the exception's
// numbers change, a run's resolution ends when the condition returns, and a
// reopen says which number changed, from what to what, and where.
#include <gtest/gtest.h>

#include "relay/recon/recon.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

class ResolutionTest : public ReconFixture {
protected:
    void seed() override {
        p21_.supplier(10, "Acme");
        p21_.item(1, "TAPE-2", "Painter's tape 2 in");
        p21_.uom(1, 1, "EA", "1");
        p21_.uom(2, 1, "CS", "12");
        p21_.supplier_item(1, 1, 10, "3M-2090-2", "0.75");  // a case of 12: 9.00
        p21_.item(2, "BOLT-M8", "Hex bolt M8");
        p21_.supplier_item(2, 2, 10, "M8-BOLT", "1.00");
        sync_p21();
        upload("acme-2026-11.csv", contract("11.95", "1.20"));
        today_ = scalar("SELECT (now() AT TIME ZONE 'UTC')::date");
    }

    // Contract AC-1 of vendor Acme: the case of tape and the bolt.
    static std::string contract(const std::string& tape, const std::string& bolt) {
        return "Vendor,Contract,Item,UOM,Price\nacme,AC-1,3M-2090-2,CS," + tape +
               "\nacme,AC-1,M8-BOLT,EA," + bolt + "\n";
    }

    void resolve(const ExceptionView& e, const std::string& reason) {
        auto r = act_on_exception(*conn_, tenant_, e.exception_id, Actor{},
                                  {ActionKind::resolve, reason, std::nullopt, std::nullopt});
        ASSERT_TRUE(r) << r.error().message;
    }

    std::vector<ExceptionEvent> history(const ExceptionView& e) {
        return exception_events(*conn_, tenant_, e.exception_id).value();
    }

    ExceptionView tape() { return find("PRICE_MISMATCH", "3M-2090-2"); }
    ExceptionView bolt() { return find("PRICE_MISMATCH", "M8-BOLT"); }

    std::string today_;
};

TEST_F(ResolutionTest, APersonsResolutionHoldsWhileTheNumbersStayTheSame) {
    ASSERT_EQ(run_on("2026-11-01").opened, 2);
    resolve(tape(), "the vendor credits the difference");

    for (const char* day : {"2026-11-02", "2026-11-03"}) {
        auto summary = run_on(day);
        EXPECT_EQ(summary.reopened, 0) << day;
        EXPECT_EQ(summary.still_resolved, 1) << day;
        EXPECT_EQ(summary.still_open, 1) << day;
        auto kept = tape();
        EXPECT_EQ(kept.status, "resolved") << day;
        EXPECT_EQ(kept.resolution_kind, "manual");
        EXPECT_EQ(kept.resolution, "the vendor credits the difference");
        EXPECT_EQ(kept.last_run_id, summary.run_id) << "found again, numbers kept current";
    }
    std::vector<std::string> kinds;
    for (const auto& ev : history(tape())) {
        kinds.push_back(ev.kind);
    }
    EXPECT_EQ(kinds, (std::vector<std::string>{"opened", "resolved"})) << "nothing recorded";
}

TEST_F(ResolutionTest, ANewPriceInAVendorFileReopensItNamingOldNewAndTheFile) {
    run_on("2026-11-01");
    resolve(tape(), "accepted for November");
    upload("acme-2026-12.csv", contract("12.10", "1.20"));
    auto summary = run_on("2026-12-04");
    EXPECT_EQ(summary.reopened, 1);
    EXPECT_EQ(summary.still_resolved, 0);
    auto reopened = tape();
    EXPECT_EQ(reopened.status, "open");
    EXPECT_EQ(reopened.resolution, "");
    EXPECT_EQ(reopened.details["contract_price"], "12.10");
    auto last = history(reopened).back();
    EXPECT_EQ(last.kind, "reopened");
    EXPECT_EQ(last.run_id, summary.run_id);
    EXPECT_EQ(last.note,
              "price changed from 11.95 to 12.10 in the file acme-2026-12.csv of " + today_);
    ASSERT_EQ(last.details["changes"].size(), 1u);
    EXPECT_EQ(last.details["changes"][0]["field"], "contract_price");
    EXPECT_EQ(last.details["changes"][0]["from"], "11.95");
    EXPECT_EQ(last.details["changes"][0]["to"], "12.10");
    EXPECT_EQ(last.details["resolution_kind"], "manual");
    EXPECT_EQ(bolt().status, "open") << "the other line is untouched";

    // Resolved again at the new numbers, it holds again.
    resolve(reopened, "accepted for December");
    EXPECT_EQ(run_on("2026-12-05").still_resolved, 1);
    EXPECT_EQ(tape().status, "resolved");
}

TEST_F(ResolutionTest, ANewP21CostReopensItNamingP21) {
    run_on("2026-11-01");
    resolve(bolt(), "checked with the buyer");
    p21_.supplier_item(2, 2, 10, "M8-BOLT", "1.05");
    sync_p21();
    EXPECT_EQ(run_on("2026-11-02").reopened, 1);
    EXPECT_EQ(bolt().status, "open");
    EXPECT_EQ(history(bolt()).back().note, "P21 cost changed from 1.00 to 1.05 in P21 (site p21)");
}

TEST_F(ResolutionTest, DecimalsCompareAsNumbers) {
    run_on("2026-11-01");
    resolve(tape(), "fine");
    upload("acme-2026-11b.csv", contract("11.950", "1.20"));  // the same price, written longer
    auto summary = run_on("2026-11-02");
    EXPECT_EQ(summary.reopened, 0);
    EXPECT_EQ(tape().status, "resolved");
}

TEST_F(ResolutionTest, ARunsResolutionEndsWhenTheConditionReturns) {
    run_on("2026-11-01");
    p21_.supplier_item(2, 2, 10, "M8-BOLT", "1.20");  // P21 corrected: the bolt agrees
    sync_p21();
    EXPECT_EQ(run_on("2026-11-02").auto_resolved, 1);
    EXPECT_EQ(bolt().resolution_kind, "auto");

    p21_.supplier_item(2, 2, 10, "M8-BOLT", "0.90");  // and wrong again
    sync_p21();
    EXPECT_EQ(run_on("2026-11-03").reopened, 1);
    auto reopened = bolt();
    EXPECT_EQ(reopened.status, "open");
    auto last = history(reopened).back();
    EXPECT_EQ(last.kind, "reopened");
    EXPECT_EQ(last.note, "the condition holds again (resolved by a run on " + today_ +
                             "): P21 cost changed from 1.00 to 0.90 in P21 (site p21)");
    EXPECT_EQ(last.details["resolution_kind"], "auto");
}

}  // namespace
}  // namespace cs::relay::recon::testing
