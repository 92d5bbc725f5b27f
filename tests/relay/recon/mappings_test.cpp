// Item mapping: suggestions with confidence, decisions, reuse by later runs.
#include <algorithm>

#include <gtest/gtest.h>

#include "relay/recon/recon.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

class MappingsTest : public ReconFixture {
protected:
    void seed() override {
        p21_.supplier(10, "Acme");
        p21_.item(1, "HX-100", "Hex head cap screw stainless 1/4-20 x 1 in");
        p21_.supplier_item(1, 1, 10, "ACM-HX100", "0.30");
        p21_.item(2, "TAPE-24", "Masking tape 24 mm x 55 m");
        p21_.supplier_item(2, 2, 10, "TP-24", "2.00");
        p21_.item(3, "GLOVE-NIT-M", "Nitrile exam gloves medium box of 100");
        p21_.item(4, "GLOVE-NIT-L", "Nitrile exam gloves large box of 100");
        p21_.item(5, "VLV-BALL-2", "Ball valve brass 2 in");
        p21_.supplier_item(5, 5, 10, "BV-2", "15.00");
        sync_p21();
        upload("acme.csv",
               "Vendor,Contract,Item,Description,UOM,Price\n"
               "acme,C1,ACM-HX100,Cap screw,EA,0.30\n"                      // exact part
               "acme,C1,acm hx-100,Cap screw,BX,30.00\n"                    // normalized part
               "acme,C1,glove-nit-l,Gloves,EA,9.00\n"                       // normalized item id
               "acme,C1,N-77,Nitrile exam gloves medium box 100,EA,8.00\n"  // description
               "acme,C1,Q-1,Something else entirely,EA,1.00\n");            // nothing
    }

    std::vector<MappingView> mappings(std::optional<std::string> status = std::nullopt) {
        MappingFilter f;
        f.status = status;
        f.limit = 100;
        return list_mappings(*conn_, tenant_, f).value().items;
    }

    std::vector<MappingView> for_item(const std::string& vendor_item) {
        std::vector<MappingView> out;
        for (auto& m : mappings()) {
            if (m.vendor_item == vendor_item) {
                out.push_back(m);
            }
        }
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return a.confidence > b.confidence; });
        return out;
    }
};

TEST_F(MappingsTest, SuggestionsCarryMethodAndConfidence) {
    auto first = run_on("2026-03-01");
    EXPECT_EQ(first.lines_mapped, 1) << "only the exact supplier part number maps by itself";
    EXPECT_EQ(findings(), (std::set<Finding>{{"MISSING_MAPPING", "acm hx-100", "BX"},
                                             {"MISSING_MAPPING", "glove-nit-l", "EA"},
                                             {"MISSING_MAPPING", "N-77", "EA"},
                                             {"MISSING_MAPPING", "Q-1", "EA"}}));
    auto report = suggest_mappings(*conn_, tenant_);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->keys, 4u);

    auto normalized = for_item("acm hx-100");
    ASSERT_FALSE(normalized.empty());
    EXPECT_EQ(normalized[0].p21_item_id, "HX-100");
    EXPECT_EQ(normalized[0].method, "supplier_part_normalized");
    EXPECT_EQ(normalized[0].confidence, "0.900");
    EXPECT_EQ(normalized[0].status, "suggested");
    auto by_id = for_item("glove-nit-l");
    ASSERT_FALSE(by_id.empty());
    EXPECT_EQ(by_id[0].p21_item_id, "GLOVE-NIT-L");
    EXPECT_EQ(by_id[0].method, "item_id_normalized");
    EXPECT_EQ(by_id[0].confidence, "0.800");
    auto by_desc = for_item("N-77");
    ASSERT_FALSE(by_desc.empty());
    EXPECT_EQ(by_desc[0].p21_item_id, "GLOVE-NIT-M") << "the most similar description first";
    EXPECT_EQ(by_desc[0].method, "description");
    EXPECT_LT(by_desc[0].confidence, "0.700");
    EXPECT_GT(by_desc[0].confidence, "0.300");
    EXPECT_TRUE(for_item("Q-1").empty());

    // Looked-at keys are not searched again until their exception changes.
    EXPECT_EQ(suggest_mappings(*conn_, tenant_)->keys, 0u);
    // The next run names the best suggestion in the exception.
    run_on("2026-03-02");
    auto missing = find("MISSING_MAPPING", "glove-nit-l");
    EXPECT_EQ(missing.details["suggestions"], 1);
    EXPECT_EQ(missing.details["best_suggestion"]["p21_item_id"], "GLOVE-NIT-L");
    EXPECT_NE(missing.suggested_action.find("GLOVE-NIT-L"), std::string::npos);
}

TEST_F(MappingsTest, ApprovedMappingsAreReusedAndRejectedOnesNeverApplied) {
    run_on("2026-03-01");
    ASSERT_TRUE(suggest_mappings(*conn_, tenant_));
    auto normalized = for_item("acm hx-100")[0];
    auto by_id = for_item("glove-nit-l")[0];
    auto decided = decide_mappings(*conn_, tenant_, {normalized.mapping_id, by_id.mapping_id},
                                   MappingDecision::approve, Actor{}, "checked the catalogue");
    ASSERT_TRUE(decided) << decided.error().message;
    ASSERT_EQ(decided->size(), 2u);
    EXPECT_EQ((*decided)[0].before["status"], "suggested");
    EXPECT_EQ((*decided)[0].after["status"], "approved");

    auto second = run_on("2026-03-02");
    EXPECT_EQ(second.lines_mapped, 3);
    EXPECT_EQ(second.auto_resolved, 2);
    EXPECT_EQ(find("MISSING_MAPPING", "acm hx-100").status, "resolved");
    // The approved BX mapping now prices the box: no BX unit on HX-100 in P21.
    EXPECT_EQ(find("UOM_MISMATCH", "acm hx-100").details["problem"], "unit_not_in_p21");

    // Rejecting the exact-part pairing takes it out of every later run.
    auto exact_rows =
        conn_->query("test", "SELECT count(*) FROM recon_mappings WHERE vendor_item = 'ACM-HX100'");
    ASSERT_EQ(exact_rows->text(0, 0), "0") << "exact matches map without a mapping row";
    auto created =
        create_mapping(*conn_, tenant_, {"acme", "ACM-HX100", "ea"}, {"HX-100", "", ""}, Actor{});
    ASSERT_TRUE(created) << created.error().message;
    EXPECT_EQ(created->after["method"], "manual");
    ASSERT_TRUE(
        decide_mappings(*conn_, tenant_, {created->entity_id}, MappingDecision::reject, Actor{}));
    run_on("2026-03-03");
    EXPECT_EQ(find("MISSING_MAPPING", "ACM-HX100").status, "open");
}

TEST_F(MappingsTest, EditingPointsTheKeyAtAnotherItem) {
    run_on("2026-03-01");
    ASSERT_TRUE(suggest_mappings(*conn_, tenant_));
    auto by_desc = for_item("N-77")[0];
    ASSERT_EQ(by_desc.p21_item_id, "GLOVE-NIT-M");
    auto edited =
        edit_mapping(*conn_, tenant_, by_desc.mapping_id, {"GLOVE-NIT-L", "", "ea"}, Actor{});
    ASSERT_TRUE(edited) << edited.error().message;
    EXPECT_EQ(edited->before["p21_item_id"], "GLOVE-NIT-M");
    EXPECT_EQ(edited->after["p21_item_id"], "GLOVE-NIT-L");
    EXPECT_EQ(edited->after["status"], "approved");
    EXPECT_EQ(get_mapping(*conn_, tenant_, by_desc.mapping_id)->status, "rejected");
    auto approved = mappings("approved");
    ASSERT_EQ(approved.size(), 1u);
    EXPECT_EQ(approved[0].method, "manual");
    EXPECT_EQ(approved[0].confidence, "1.000");
    EXPECT_EQ(approved[0].p21_uom, "EA");

    auto unknown = edit_mapping(*conn_, tenant_, by_desc.mapping_id, {"NO-SUCH", "", ""}, Actor{});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "P21 item 'NO-SUCH' not found");
    auto twice = decide_mappings(*conn_, tenant_, {approved[0].mapping_id, approved[0].mapping_id},
                                 MappingDecision::approve, Actor{});
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, ErrorCode::conflict);

    auto found = find_p21_items(*conn_, tenant_, "nitrile exam gloves large");
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_FALSE(found->empty());
    EXPECT_EQ((*found)[0].item_id, "GLOVE-NIT-L");
    auto by_item_id = find_p21_items(*conn_, tenant_, "vlv ball 2");
    ASSERT_FALSE(by_item_id->empty());
    EXPECT_EQ((*by_item_id)[0].item_id, "VLV-BALL-2");
}

TEST_F(MappingsTest, WithoutAutoApprovalExactMatchesWaitForAPerson) {
    Policy p;
    p.auto_approve_exact = false;
    ASSERT_TRUE(update_policy(*conn_, tenant_, p, Actor{}));
    auto summary = run_on("2026-03-01");
    EXPECT_EQ(summary.lines_mapped, 0);
    ASSERT_TRUE(suggest_mappings(*conn_, tenant_));
    auto exact = for_item("ACM-HX100");
    ASSERT_EQ(exact.size(), 1u);
    EXPECT_EQ(exact[0].method, "supplier_part_exact");
    EXPECT_EQ(exact[0].confidence, "1.000");
    ASSERT_TRUE(
        decide_mappings(*conn_, tenant_, {exact[0].mapping_id}, MappingDecision::approve, Actor{}));
    EXPECT_EQ(run_on("2026-03-02").lines_mapped, 1);
}

}  // namespace
}  // namespace cs::relay::recon::testing
