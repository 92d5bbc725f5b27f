// PRICE_MISMATCH at the edges of the tolerance policy and across units.
#include <gtest/gtest.h>

#include "relay/recon/recon.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

class RulesTest : public ReconFixture {
protected:
    void seed() override {
        p21_.supplier(10, "Acme");
        // Cost 10.00 per EA; a case holds 12, a box 3; a dozen is bought by the DZ.
        p21_.item(1, "ITEM-1", "Widget");
        p21_.uom(1, 1, "EA", "1");
        p21_.uom(2, 1, "CS", "12");
        p21_.uom(3, 1, "BX", "3");
        p21_.supplier_item(1, 1, 10, "W-1", "10.00");
        // Bought by the case of 12 at 120.00 per CS.
        p21_.item(2, "ITEM-2", "Gadget", "CS");
        p21_.uom(4, 2, "EA", "1");
        p21_.uom(5, 2, "CS", "12");
        p21_.supplier_item(2, 2, 10, "G-1", "120.00");
        sync_p21();
    }

    // Uploads one line for W-1 (or `part`), runs, and returns the open
    // exceptions as rule:severity:difference; "" when the line is clean.
    std::string price_check(const std::string& price, const std::string& uom = "EA",
                            const std::string& part = "W-1") {
        upload("c.csv",
               "Vendor,Contract,Item,UOM,Price\nacme,C1," + part + "," + uom + "," + price + "\n");
        run_on("2026-03-01");
        auto open = exceptions("open");
        std::string out;
        for (const auto& e : open) {
            out += e.rule + ":" + e.severity + ":" + e.details.value("difference", "") + ";";
        }
        return out;
    }
};

TEST_F(RulesTest, AbsoluteToleranceIsInclusive) {
    set_policy("0.05", "");
    EXPECT_EQ(price_check("10.05"), "") << "exactly at the tolerance";
    EXPECT_EQ(price_check("9.95"), "") << "exactly at the tolerance, below";
    EXPECT_EQ(price_check("10.0501"), "PRICE_MISMATCH:medium:0.0501;") << "just over";
    EXPECT_EQ(price_check("9.9499"), "PRICE_MISMATCH:medium:-0.0501;");
}

TEST_F(RulesTest, PercentToleranceIsOfTheP21Cost) {
    set_policy("", "2.5");
    EXPECT_EQ(price_check("10.25"), "");
    EXPECT_EQ(price_check("10.2501"), "PRICE_MISMATCH:medium:0.2501;");
    // At or past high_severity_pct (10%) the exception is high.
    EXPECT_EQ(price_check("11.00"), "PRICE_MISMATCH:high:1;");
    EXPECT_EQ(price_check("10.9999"), "PRICE_MISMATCH:medium:0.9999;");
}

TEST_F(RulesTest, AnyOrAllOfTheTolerances) {
    set_policy("0.05", "1", "any");  // 1% of 10.00 is 0.10
    EXPECT_EQ(price_check("10.10"), "") << "within the percent, over the amount";
    EXPECT_EQ(price_check("10.1001"), "PRICE_MISMATCH:medium:0.1001;");
    set_policy("0.05", "1", "all");
    EXPECT_EQ(price_check("10.05"), "");
    EXPECT_EQ(price_check("10.10"), "PRICE_MISMATCH:medium:0.1;") << "within one is not enough";
}

TEST_F(RulesTest, WithoutTolerancesPricesMustAgreeExactly) {
    set_policy("", "");
    EXPECT_EQ(price_check("10.0000"), "") << "10.0000 equals 10.00";
    EXPECT_EQ(price_check("10.0001"), "PRICE_MISMATCH:medium:0.0001;");
}

TEST_F(RulesTest, PricesAreComparedInTheP21CostUnit) {
    set_policy("0.01", "");
    // A case of 12 at 120.00 is 10.00 each: clean. Per box of 3: 30.00.
    EXPECT_EQ(price_check("120.00", "CS"), "");
    EXPECT_EQ(price_check("30.00", "BX"), "");
    // 120.12 per case is 10.01 each: at the tolerance; 120.13 is over.
    EXPECT_EQ(price_check("120.12", "CS"), "");
    EXPECT_EQ(price_check("120.13", "CS"), "PRICE_MISMATCH:medium:0.010833;");
    // Cost per case (ITEM-2): a contract per each converts up. 10.00 x 12 = 120.00.
    EXPECT_EQ(price_check("10.00", "EA", "G-1"), "");
    auto mismatch = price_check("10.50", "EA", "G-1");
    EXPECT_EQ(mismatch, "PRICE_MISMATCH:medium:6;");
    auto e = find("PRICE_MISMATCH", "G-1");
    EXPECT_EQ(e.details["contract_price_per_p21_unit"], "126");
    EXPECT_EQ(e.details["p21_cost_uom"], "CS");
    EXPECT_EQ(e.details["difference_pct"], "5");
}

TEST_F(RulesTest, UnitsThatCannotBeConvertedAreUomMismatches) {
    set_policy("0.01", "");
    EXPECT_EQ(price_check("100", "PL"), "UOM_MISMATCH:high:;") << "not a price finding";
    auto uom = find("UOM_MISMATCH", "W-1", "PL");
    EXPECT_EQ(uom.details["problem"], "unit_not_in_p21");
    EXPECT_EQ(uom.severity, "high");
    // A pack size the contract states must agree with P21's.
    upload("c.csv", "Vendor,Contract,Item,UOM,Pack Size,Price\nacme,C1,W-1,CS,12,120\n");
    run_on("2026-03-01");
    EXPECT_EQ(find("UOM_MISMATCH", "W-1", "PL").status, "resolved");
    upload("c.csv", "Vendor,Contract,Item,UOM,Pack Size,Price\nacme,C1,W-1,CS,10,120\n");
    run_on("2026-03-01");
    auto size = find("UOM_MISMATCH", "W-1", "CS");
    EXPECT_EQ(size.status, "open");
    EXPECT_EQ(size.details["contract_unit_size"], "10");
    EXPECT_EQ(size.details["p21_unit_size"], "12");
}

TEST_F(RulesTest, UnitsAndCostsSyncedLaterAreUsedByTheNextRun) {
    set_policy("0.01", "");
    EXPECT_EQ(price_check("120.00", "CS"), "");
    // P21 now says a case holds 10 and the purchasing unit is the box of 3.
    p21_.uom(2, 1, "CS", "10");
    p21_.item(1, "ITEM-1", "Widget", "BX");
    p21_.supplier_item(1, 1, 10, "W-1", "25.00");  // 25.00 per BX of 3
    sync_p21();
    run_on("2026-03-02");
    auto e = find("PRICE_MISMATCH", "W-1", "CS");
    EXPECT_EQ(e.status, "open");
    EXPECT_EQ(e.details["p21_cost_uom"], "BX");
    EXPECT_EQ(e.details["contract_unit_size"], "10");
    EXPECT_EQ(e.details["p21_cost_unit_size"], "3");
    EXPECT_EQ(e.details["contract_price_per_p21_unit"], "36");  // 120 / 10 x 3
    EXPECT_EQ(e.details["difference"], "11");
    // A unit removed in P21 makes the contract's unit unconvertible.
    p21_.remove_uom(2);
    sync_p21();
    run_on("2026-03-03");
    EXPECT_EQ(find("PRICE_MISMATCH", "W-1", "CS").status, "resolved");
    EXPECT_EQ(find("UOM_MISMATCH", "W-1", "CS").details["problem"], "unit_not_in_p21");
}

}  // namespace
}  // namespace cs::relay::recon::testing
