// Fixing MISSING_MAPPING exceptions through the API: the P21 supplier and
// item searches, vendor links and mappings that re-evaluate the affected
// lines at once (and only them), losing candidates closed when one is
// approved, and the queue sorted by its columns with keyset pages.
#include <set>
#include <vector>

#include <fmt/format.h>

#include "tests/relay/api/recon_api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

class ReconFixApiTest : public ReconApiTest {
protected:
    void SetUp() override {
        ReconApiTest::SetUp();
        if (!conn_) {
            return;
        }
        // P21 as tenant a's agent synced it: two suppliers, three items with
        // each supplier's part numbers and costs (per EA).
        std::string rows;
        auto record = [&](const char* entity, const std::string& key, const std::string& parent,
                          const std::string& data) {
            rows += fmt::format(
                "INSERT INTO records (tenant_id, site_id, entity, bk_hash, parent_bk_hash, data, "
                "data_hash, last_sequence) VALUES ('{0}', '{1}', '{2}', decode('{3}', 'hex'), "
                "{4}, '{5}', decode('{3}', 'hex'), 1);",
                a_.tenant_id, a_.site_id, entity, key,
                parent.empty() ? "NULL" : fmt::format("decode('{}', 'hex')", parent), data);
        };
        record("supplier", std::string(32, '1'), "",
               R"({"supplier_id": 10, "supplier_name": "Acme Industrial Supply"})");
        record("supplier", std::string(31, '1') + "2", "",
               R"({"supplier_id": 20, "supplier_name": "Bolt Brothers"})");
        record(
            "inv_mast", kWid1, "",
            R"({"item_id": "WID-1", "item_desc": "Blue widget large", "default_purchasing_unit": "EA"})");
        record(
            "inv_mast", kWid2, "",
            R"({"item_id": "WID-2", "item_desc": "Red widget small", "default_purchasing_unit": "EA"})");
        record(
            "inv_mast", kWid3, "",
            R"({"item_id": "WID-3", "item_desc": "Red widget small, boxed", "default_purchasing_unit": "EA"})");
        record("inventory_supplier", std::string(31, '4') + "1", kWid1,
               R"({"supplier_id": 10, "supplier_part_no": "AC-100", "cost": 5.00})");
        record("inventory_supplier", std::string(31, '4') + "2", kWid2,
               R"({"supplier_id": 10, "supplier_part_no": "AC-200", "cost": 3.00})");
        record("inventory_supplier", std::string(31, '4') + "3", kWid2,
               R"({"supplier_id": 20, "supplier_part_no": "BB-77", "cost": 2.90})");
        sql(rows);
    }

    // Vendor ACMECO is no P21 supplier id or name: every line is unmapped
    // until it is linked to supplier 10.
    void upload_and_run(const Session& s) {
        auto up = upload(s, "/api/v1/vendor-files?name=acmeco.csv",
                         "Vendor,Contract,Item,Description,UOM,Price\n"
                         "acmeco,K-1,AC-100,Widget blue L,EA,5.00\n"
                         "acmeco,K-1,AC-200,Widget red S,EA,3.50\n"
                         "acmeco,K-1,MYSTERY-9,Small red widget,EA,3.00\n");
        ASSERT_EQ(up.status, 201) << up.raw;
        auto run = call("POST", "/api/v1/recon/runs", &s, {{"as_of", "2026-03-01"}});
        ASSERT_EQ(run.status, 201) << run.raw;
        manual_run_ = run.body["run_id"].get<std::string>();
    }

    // (rule, vendor item) of the tenant's open exceptions of vendor ACMECO.
    std::set<std::pair<std::string, std::string>> open_findings(const Session& s) {
        auto list = call("GET", "/api/v1/recon/exceptions?status=open&vendor_id=acmeco", &s);
        EXPECT_EQ(list.status, 200) << list.raw;
        std::set<std::pair<std::string, std::string>> out;
        for (const auto& x : list.body["items"]) {
            out.emplace(x["rule"].get<std::string>(), x["vendor_item"].get<std::string>());
        }
        return out;
    }

    static constexpr const char* kWid1 = "22222222222222222222222222222221";
    static constexpr const char* kWid2 = "22222222222222222222222222222222";
    static constexpr const char* kWid3 = "22222222222222222222222222222223";
    std::string manual_run_;
};

TEST_F(ReconFixApiTest, SuppliersAreFoundByIdAndNameWithinBounds) {
    auto analyst = login(email("a", "analyst"));
    upload_and_run(analyst);  // the run brings the P21 catalog up to date
    auto by_name = call("GET", "/api/v1/recon/p21-suppliers?q=acme", &analyst);
    ASSERT_EQ(by_name.status, 200) << by_name.raw;
    ASSERT_EQ(by_name.body["items"].size(), 1u);
    EXPECT_EQ(by_name.body["items"][0]["supplier_id"], "10");
    EXPECT_EQ(by_name.body["items"][0]["supplier_name"], "Acme Industrial Supply");
    EXPECT_EQ(by_name.body["items"][0]["match"], "name");
    auto by_id = call("GET", "/api/v1/recon/p21-suppliers?q=20", &analyst);
    ASSERT_EQ(by_id.body["items"].size(), 1u);
    EXPECT_EQ(by_id.body["items"][0]["supplier_name"], "Bolt Brothers");
    EXPECT_EQ(by_id.body["items"][0]["match"], "supplier_id");
    // A wildcard is a character like any other.
    EXPECT_EQ(call("GET", "/api/v1/recon/p21-suppliers?q=%25", &analyst).body["items"].size(), 0u);

    auto empty = call("GET", "/api/v1/recon/p21-suppliers", &analyst);
    EXPECT_EQ(empty.status, 400);
    EXPECT_NE(empty.raw.find("'q'"), std::string::npos) << empty.raw;
    auto too_many = call("GET", "/api/v1/recon/p21-suppliers?q=acme&limit=101", &analyst);
    EXPECT_EQ(too_many.status, 400);
    EXPECT_NE(too_many.raw.find("limit"), std::string::npos) << too_many.raw;
    auto long_text =
        call("GET", "/api/v1/recon/p21-suppliers?q=" + std::string(201, 'x'), &analyst);
    EXPECT_EQ(long_text.status, 400);
    EXPECT_NE(long_text.raw.find("200 bytes"), std::string::npos) << long_text.raw;

    // Tenant b has no P21 suppliers; it never sees tenant a's.
    auto other = login(email("b", "analyst"));
    EXPECT_EQ(call("GET", "/api/v1/recon/p21-suppliers?q=acme", &other).body["items"].size(), 0u);
}

TEST_F(ReconFixApiTest, ItemsAreFoundByIdSupplierPartAndDescription) {
    auto analyst = login(email("a", "analyst"));
    upload_and_run(analyst);
    auto by_part = call("GET", "/api/v1/recon/p21-items?q=ac%20100", &analyst);
    ASSERT_EQ(by_part.status, 200) << by_part.raw;
    ASSERT_FALSE(by_part.body["items"].empty());
    EXPECT_EQ(by_part.body["items"][0]["item_id"], "WID-1");
    EXPECT_EQ(by_part.body["items"][0]["match"], "supplier_part");
    EXPECT_EQ(by_part.body["items"][0]["supplier_part_no"], "AC-100");
    EXPECT_EQ(by_part.body["items"][0]["supplier_id"], "10");
    // Only the named supplier's part numbers.
    auto other_supplier = call("GET", "/api/v1/recon/p21-items?q=AC-100&supplier_id=20", &analyst);
    for (const auto& i : other_supplier.body["items"]) {
        EXPECT_NE(i["match"], "supplier_part") << i.dump();
    }
    auto by_id = call("GET", "/api/v1/recon/p21-items?q=wid2", &analyst);
    ASSERT_FALSE(by_id.body["items"].empty());
    EXPECT_EQ(by_id.body["items"][0]["item_id"], "WID-2");
    EXPECT_EQ(by_id.body["items"][0]["match"], "item_id");
    auto by_desc = call("GET", "/api/v1/recon/p21-items?q=red%20widget%20small&limit=1", &analyst);
    ASSERT_EQ(by_desc.body["items"].size(), 1u);
    EXPECT_EQ(by_desc.body["items"][0]["match"], "description");
    EXPECT_EQ(call("GET", "/api/v1/recon/p21-items?q=x&limit=0", &analyst).status, 400);
    auto other = login(email("b", "analyst"));
    EXPECT_EQ(call("GET", "/api/v1/recon/p21-items?q=AC-100", &other).body["items"].size(), 0u);
}

TEST_F(ReconFixApiTest, AVendorLinkAndAMappingReevaluateTheirLinesAtOnce) {
    auto analyst = login(email("a", "analyst"));
    upload_and_run(analyst);
    using F = std::set<std::pair<std::string, std::string>>;
    EXPECT_EQ(open_findings(analyst), (F{{"MISSING_MAPPING", "AC-100"},
                                         {"MISSING_MAPPING", "AC-200"},
                                         {"MISSING_MAPPING", "MYSTERY-9"}}));
    auto links = call("GET", "/api/v1/recon/vendor-links", &analyst);
    ASSERT_EQ(links.status, 200) << links.raw;
    ASSERT_EQ(links.body["items"].size(), 1u) << links.raw;
    auto acmeco = links.body["items"][0];
    EXPECT_EQ(acmeco["vendor_id"], "ACMECO");
    EXPECT_TRUE(acmeco["supplier_id"].is_null());
    EXPECT_EQ(acmeco["open_missing"], 3);
    EXPECT_EQ(acmeco["supplier_unknown"], true);

    // An open exception of another vendor whose line is gone: a run of every
    // line would resolve it, a run of ACMECO's lines must not touch it.
    auto ghost = sql(fmt::format(
        "INSERT INTO recon_exceptions (tenant_id, rule, line_key, vendor_id, contract_no, "
        "vendor_item, vendor_uom, severity, severity_rank, message, suggested_action, details, "
        "fingerprint, first_run_id, last_run_id, number) VALUES ('{0}', 'PRICE_MISMATCH', 'g', "
        "'GHOST', 'G', 'G-1', 'EA', 'high', 3, 'm', 's', '{{}}', '', '{1}', '{1}', 99) RETURNING "
        "exception_id::text",
        a_.tenant_id, manual_run_));
    std::string ghost_id(ghost.text(0, 0));

    // An analyst links the vendor: its lines are reconciled again right away.
    auto link = call("PUT", "/api/v1/recon/vendor-links/acmeco", &analyst, {{"supplier_id", "10"}});
    ASSERT_EQ(link.status, 200) << link.raw;
    const auto& re = link.body["reevaluation"];
    ASSERT_TRUE(re.is_object()) << link.raw;
    EXPECT_EQ(re["lines"], 3);
    EXPECT_EQ(re["auto_resolved"], 2);
    EXPECT_EQ(re["opened"], 1);
    EXPECT_EQ(re["findings"]["PRICE_MISMATCH"], 1);
    EXPECT_EQ(re["findings"]["MISSING_MAPPING"], 1);
    EXPECT_EQ(open_findings(analyst),
              (F{{"PRICE_MISMATCH", "AC-200"}, {"MISSING_MAPPING", "MYSTERY-9"}}));
    auto price =
        call("GET", "/api/v1/recon/exceptions?status=open&rule=PRICE_MISMATCH&vendor_id=acmeco",
             &analyst);
    ASSERT_EQ(price.body["items"].size(), 1u);
    EXPECT_EQ(price.body["items"][0]["vendor_name"], "Acme Industrial Supply");
    EXPECT_EQ(price.body["items"][0]["details"]["p21_cost"], "3.00");

    // The run was limited to the vendor: the other vendor's exception is still
    // open, and the tenant's last run is still the manual one, so the
    // scheduler reconciles everything later.
    auto untouched = call("GET", "/api/v1/recon/exceptions/" + ghost_id, &analyst);
    EXPECT_EQ(untouched.body["status"], "open");
    EXPECT_EQ(untouched.body["last_run_id"], manual_run_);
    auto state = call("GET", "/api/v1/recon/state", &analyst);
    EXPECT_EQ(state.body["last_run_id"], manual_run_);
    auto fix_run = call("GET", "/api/v1/recon/runs/" + re["run_id"].get<std::string>(), &analyst);
    EXPECT_EQ(fix_run.body["trigger"], "fix");
    EXPECT_EQ(fix_run.body["scope"][0]["vendor_id"], "ACMECO");

    // A vendor item with no suggestion is mapped by hand: resolved at once.
    auto map = call("POST", "/api/v1/recon/mappings", &analyst,
                    {{"vendor_id", "acmeco"},
                     {"vendor_item", "MYSTERY-9"},
                     {"vendor_uom", "EA"},
                     {"p21_item_id", "WID-2"}});
    ASSERT_EQ(map.status, 201) << map.raw;
    EXPECT_EQ(map.body["reevaluation"]["lines"], 1);
    EXPECT_EQ(map.body["reevaluation"]["auto_resolved"], 1);
    EXPECT_EQ(open_findings(analyst), (F{{"PRICE_MISMATCH", "AC-200"}}));
    auto resolved = call(
        "GET", "/api/v1/recon/exceptions?status=resolved&rule=MISSING_MAPPING&vendor_id=acmeco",
        &analyst);
    ASSERT_EQ(resolved.body["items"].size(), 3u) << resolved.raw;
    EXPECT_EQ(resolved.body["items"][0]["resolution"], "the condition no longer holds");

    // Unlinking brings the vendor's unmapped lines back at once; the mapped
    // item now has no cost from the vendor, P21 knowing no such supplier.
    EXPECT_EQ(call("DELETE", "/api/v1/recon/vendor-links/acmeco", &analyst).status, 204);
    EXPECT_EQ(open_findings(analyst), (F{{"MISSING_MAPPING", "AC-100"},
                                         {"MISSING_MAPPING", "AC-200"},
                                         {"PRICE_MISMATCH", "MYSTERY-9"}}));
    // Viewers still only read.
    auto viewer = login(email("a", "viewer"));
    EXPECT_EQ(
        call("PUT", "/api/v1/recon/vendor-links/acmeco", &viewer, {{"supplier_id", "10"}}).status,
        403);
}

TEST_F(ReconFixApiTest, ApprovingACandidateClosesTheOthersOfItsVendorItem) {
    auto analyst = login(email("a", "analyst"));
    upload_and_run(analyst);
    // The run suggested P21 items for MYSTERY-9 by description: WID-2 and
    // WID-3 compete. Another vendor item has a candidate of its own.
    auto other = sql(fmt::format(
        "INSERT INTO recon_mappings (tenant_id, vendor_id, vendor_item, vendor_uom, p21_site_id, "
        "p21_item_bk, p21_item_id, p21_uom, method, confidence) VALUES ('{0}', 'ACMECO', "
        "'AC-200', 'EA', '{1}', decode('{2}', 'hex'), 'WID-3', 'EA', 'description', 0.4) "
        "ON CONFLICT (tenant_id, vendor_id, vendor_item, vendor_uom, p21_site_id, p21_item_bk) "
        "DO UPDATE SET status = 'suggested' RETURNING mapping_id::text",
        a_.tenant_id, a_.site_id, kWid3));
    std::string other_key(other.text(0, 0));
    auto grouped =
        call("GET", "/api/v1/recon/mappings?vendor_id=acmeco&vendor_item=MYSTERY-9", &analyst);
    ASSERT_EQ(grouped.status, 200) << grouped.raw;
    std::string winner;
    std::vector<std::string> losers;
    for (const auto& m : grouped.body["items"]) {
        EXPECT_EQ(m["vendor_desc"], "Small red widget") << "the vendor's words beside P21's";
        EXPECT_EQ(m["status"], "suggested");
        if (m["p21_item_id"] == "WID-2") {
            winner = m["mapping_id"].get<std::string>();
            EXPECT_EQ(m["p21_item_desc"], "Red widget small");
        } else {
            losers.push_back(m["mapping_id"].get<std::string>());
        }
    }
    ASSERT_FALSE(winner.empty()) << grouped.raw;
    ASSERT_FALSE(losers.empty()) << grouped.raw;

    auto approved = call("POST", "/api/v1/recon/mappings/" + winner + "/approve", &analyst);
    ASSERT_EQ(approved.status, 200) << approved.raw;
    EXPECT_EQ(approved.body["status"], "approved");
    EXPECT_EQ(approved.body["reevaluation"]["auto_resolved"], 1);
    auto closed =
        call("GET", "/api/v1/recon/mappings?vendor_id=acmeco&vendor_item=MYSTERY-9", &analyst);
    std::size_t rejected = 0;
    for (const auto& m : closed.body["items"]) {
        if (m["mapping_id"] != winner) {
            EXPECT_EQ(m["status"], "rejected");
            EXPECT_EQ(m["note"], "another candidate was approved: P21 item WID-2");
            ++rejected;
        }
    }
    EXPECT_EQ(rejected, losers.size());
    EXPECT_EQ(
        sql(fmt::format("SELECT status FROM recon_mappings WHERE mapping_id = '{}'", other_key))
            .text(0, 0),
        std::string("suggested"))
        << "another vendor item's candidate is untouched";
    auto audit = sql(fmt::format(
        "SELECT jsonb_array_length(after->'closed_candidates'), after->'closed_candidates' ? "
        "'{}' FROM audit_log WHERE action = 'recon.mapping.approve' AND tenant_id = '{}' AND "
        "entity_id = '{}'",
        losers.front(), a_.tenant_id, winner));
    ASSERT_EQ(audit.rows(), 1);
    EXPECT_EQ(audit.text(0, 0), std::to_string(losers.size()));
    EXPECT_TRUE(audit.boolean(0, 1));
}

}  // namespace
}  // namespace cs::relay::api::testing
