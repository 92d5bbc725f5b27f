// The reconciliation endpoints end to end through the dispatcher: upload a
// vendor file, run, work the exceptions, export, mappings and policy, with the
// audit log and roles.
#include <algorithm>

#include <fmt/format.h>

#include "relay/api/http/pagination.hpp"
#include "tests/relay/api/recon_api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

TEST_F(ReconApiTest, UploadRunWorkExportTheExceptions) {
    auto analyst = login(email("a", "analyst"));
    auto up = upload(analyst, "/api/v1/vendor-files?name=zeta.csv", kContract);
    ASSERT_EQ(up.status, 201) << up.raw;
    EXPECT_EQ(up.body["file"]["status"], "partial");
    EXPECT_EQ(up.body["file"]["lines_accepted"], 2);
    EXPECT_EQ(up.body["superseded_lines"], 0);
    ASSERT_EQ(up.body["errors"].size(), 1u);
    EXPECT_EQ(up.body["errors"][0]["line"], 4);
    EXPECT_EQ(up.body["errors"][0]["field"], "price");
    EXPECT_EQ(audit_count("recon.vendor_file.upload"), "1");
    auto json_upload =
        call("POST", "/api/v1/vendor-files?name=x.csv", &analyst, nlohmann::json::object());
    EXPECT_EQ(json_upload.status, 415);

    auto files = call("GET", "/api/v1/vendor-files", &analyst);
    ASSERT_EQ(files.status, 200);
    ASSERT_EQ(files.body["items"].size(), 2u);  // with the fixture's file
    auto file_id = up.body["file"]["file_id"].get<std::string>();
    auto detail = call("GET", "/api/v1/vendor-files/" + file_id, &analyst);
    EXPECT_EQ(detail.body["errors"][0]["message"], "'oops' is not a number: unexpected 'o'");
    auto errors = call("GET", "/api/v1/vendor-files/" + file_id + "/errors", &analyst);
    ASSERT_EQ(errors.body["items"].size(), 1u);
    EXPECT_EQ(errors.body["items"][0]["raw"], "zeta,Z-1,Z-300,EA,oops,01/01/2026,12/31/2026");

    auto run = call("POST", "/api/v1/recon/runs", &analyst, {{"as_of", "2026-03-01"}});
    ASSERT_EQ(run.status, 201) << run.raw;
    EXPECT_EQ(run.body["trigger"], "manual");
    EXPECT_EQ(run.body["opened"], 2);  // no P21 data in tenant a: both lines unmapped
    EXPECT_EQ(run.body["requested_by"], a_.users.at("analyst"));
    auto run_id = run.body["run_id"].get<std::string>();
    EXPECT_EQ(call("GET", "/api/v1/recon/runs/" + run_id, &analyst).body["lines"], 2);

    // Two pages of one, then nothing.
    auto first = call("GET", "/api/v1/recon/exceptions?vendor_id=zeta&page_size=1", &analyst);
    ASSERT_EQ(first.status, 200) << first.raw;
    ASSERT_EQ(first.body["items"].size(), 1u);
    ASSERT_TRUE(first.body["next_page_token"].is_string());
    auto second = call("GET",
                       "/api/v1/recon/exceptions?vendor_id=zeta&page_size=1&page_token=" +
                           first.body["next_page_token"].get<std::string>(),
                       &analyst);
    ASSERT_EQ(second.body["items"].size(), 1u);
    EXPECT_TRUE(second.body["next_page_token"].is_null());
    EXPECT_NE(first.body["items"][0]["exception_id"], second.body["items"][0]["exception_id"]);

    auto id = first.body["items"][0]["exception_id"].get<std::string>();
    auto viewer = login(email("a", "viewer"));
    EXPECT_EQ(call("POST", "/api/v1/recon/exceptions/" + id + "/actions", &viewer,
                   {{"action", "comment"}, {"text", "x"}})
                  .status,
              403);
    auto resolved = call("POST", "/api/v1/recon/exceptions/" + id + "/actions", &analyst,
                         {{"action", "resolve"}, {"reason", "item added to P21"}});
    ASSERT_EQ(resolved.status, 200) << resolved.raw;
    EXPECT_EQ(resolved.body["status"], "resolved");
    EXPECT_EQ(resolved.body["events"][0]["kind"], "resolved") << "newest first";
    EXPECT_EQ(resolved.body["events"][0]["actor_id"], a_.users.at("analyst"));
    EXPECT_EQ(resolved.body["events"].back()["kind"], "opened");
    auto audit =
        sql(fmt::format("SELECT before->>'status', after->>'status', entity_id FROM "
                        "audit_log WHERE action = 'recon.exception.resolve' AND "
                        "tenant_id = '{}'",
                        a_.tenant_id));
    ASSERT_EQ(audit.rows(), 1);
    EXPECT_EQ(audit.text(0, 0), "open");
    EXPECT_EQ(audit.text(0, 1), "resolved");
    EXPECT_EQ(audit.text(0, 2), id);
    auto again = call("POST", "/api/v1/recon/exceptions/" + id + "/actions", &analyst,
                      {{"action", "resolve"}, {"reason", "twice"}});
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.body["type"].is_string(), true);

    auto bulk = call("POST", "/api/v1/recon/exceptions/actions", &analyst,
                     {{"exception_ids", {second.body["items"][0]["exception_id"]}},
                      {"action", "assign"},
                      {"assignee", a_.users.at("viewer")}});
    ASSERT_EQ(bulk.status, 200) << bulk.raw;
    EXPECT_EQ(bulk.body["updated"], 1);
    EXPECT_EQ(call("GET", "/api/v1/recon/exceptions?assignee=" + a_.users.at("viewer"), &viewer)
                  .body["items"]
                  .size(),
              1u);

    auto summary = call("GET", "/api/v1/recon/exceptions/summary", &viewer);
    ASSERT_EQ(summary.status, 200) << summary.raw;
    // The fixture's exception has no contract line behind it: the run resolved it.
    EXPECT_EQ(summary.body["by_status"]["open"], 1);
    EXPECT_EQ(summary.body["by_status"]["resolved"], 2);
    EXPECT_EQ(summary.body["by_rule"]["MISSING_MAPPING"], 1);
    EXPECT_EQ(summary.body["by_rule"]["PRICE_MISMATCH"], 0);

    auto csv = call("GET", "/api/v1/recon/exceptions/export?vendor_id=ZETA", &viewer);
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(csv.header("Content-Disposition"), "attachment; filename=\"exceptions.csv\"");
    EXPECT_NE(csv.raw.find("Z-100"), std::string::npos);
    EXPECT_NE(csv.raw.find("Z-200"), std::string::npos);
    EXPECT_EQ(csv.raw.find("ITEM-a"), std::string::npos) << "the vendor filter applies";
    EXPECT_EQ(std::count(csv.raw.begin(), csv.raw.end(), '\n'), 3);
}

// "Select all N matching": the list's filter instead of ids, across pages.
TEST_F(ReconApiTest, BulkActionsByFilterTakeEveryPage) {
    auto analyst = login(email("a", "analyst"));
    std::string csv = "Vendor,Contract,Item,UOM,Price\n";
    for (int i = 1; i <= 60; ++i) {
        csv += fmt::format("zeta,Z-9,Z-{},EA,1.00\n", i);
    }
    ASSERT_EQ(upload(analyst, "/api/v1/vendor-files?name=zeta-60.csv", csv).status, 201);
    ASSERT_EQ(call("POST", "/api/v1/recon/runs", &analyst, {{"as_of", "2026-03-01"}}).status, 201);
    auto page =
        call("GET", "/api/v1/recon/exceptions?vendor_id=zeta&status=open&page_size=25", &analyst);
    ASSERT_EQ(page.status, 200) << page.raw;
    EXPECT_EQ(page.body["items"].size(), 25u);
    EXPECT_EQ(page.body["total"], 60) << "the count the portal offers to select";
    EXPECT_TRUE(page.body["next_page_token"].is_string());

    nlohmann::json body = {{"filter", {{"vendor_id", "zeta"}, {"status", "open"}}},
                           {"expected_count", 59},
                           {"action", "override"},
                           {"reason", "vendor credit"},
                           {"until", "2099-01-31"}};
    auto stale = call("POST", "/api/v1/recon/exceptions/actions", &analyst, body);
    EXPECT_EQ(stale.status, 409) << stale.raw;
    EXPECT_NE(stale.body["detail"].get<std::string>().find("not the 59 expected"),
              std::string::npos);
    body["expected_count"] = 60;
    auto done = call("POST", "/api/v1/recon/exceptions/actions", &analyst, body);
    ASSERT_EQ(done.status, 200) << done.raw;
    EXPECT_EQ(done.body["updated"], 60);
    EXPECT_EQ(audit_count("recon.exception.override"), "60");
    auto overridden =
        call("GET", "/api/v1/recon/exceptions?status=overridden&page_size=1", &analyst);
    EXPECT_EQ(overridden.body["total"], 60);
    EXPECT_EQ(overridden.body["items"][0]["override_until"], "2099-01-31");

    auto assign = call("POST", "/api/v1/recon/exceptions/actions", &analyst,
                       {{"filter", {{"status", "overridden"}}},
                        {"action", "assign"},
                        {"assignee", a_.users.at("analyst")}});
    ASSERT_EQ(assign.status, 200) << assign.raw;
    EXPECT_EQ(assign.body["updated"], 60);

    auto refused = [&](const nlohmann::json& b, const std::string& part) {
        auto r = call("POST", "/api/v1/recon/exceptions/actions", &analyst, b);
        EXPECT_EQ(r.status, 400) << r.raw;
        EXPECT_NE(r.body["detail"].get<std::string>().find(part), std::string::npos) << r.raw;
    };
    refused({{"filter", {{"colour", "red"}}}, {"action", "resolve"}, {"reason", "x"}},
            "filter.colour: not a filter of the exception list");
    refused({{"filter", {{"rule", "NOPE"}}}, {"action", "resolve"}, {"reason", "x"}}, "filter: ");
    refused({{"filter", nlohmann::json::object()},
             {"exception_ids", {a_.exception_id}},
             {"action", "resolve"},
             {"reason", "x"}},
            "either by 'exception_ids'");
    refused({{"exception_ids", {a_.exception_id}},
             {"expected_count", 1},
             {"action", "resolve"},
             {"reason", "x"}},
            "'expected_count' goes with 'filter'");
}

TEST_F(ReconApiTest, BulkActionsByFilterOverTheCapChangeNothing) {
    auto analyst = login(email("a", "analyst"));
    sql(fmt::format(
        "INSERT INTO recon_exceptions (tenant_id, rule, line_key, vendor_id, contract_no, "
        "vendor_item, vendor_uom, severity, severity_rank, message, suggested_action, details, "
        "fingerprint, first_run_id, last_run_id, number) "
        "SELECT '{0}', 'MISSING_MAPPING', 'bulk-' || g, 'BULK', 'B-1', 'B-' || g, 'EA', "
        "'medium', 2, 'no item', 'map it', '{{}}', '', '{1}', '{1}', 100 + g "
        "FROM generate_series(1, 10001) g",
        a_.tenant_id, a_.recon_run_id));
    auto r = call("POST", "/api/v1/recon/exceptions/actions", &analyst,
                  {{"filter", {{"vendor_id", "bulk"}}},
                   {"action", "assign"},
                   {"assignee", a_.users.at("analyst")}});
    EXPECT_EQ(r.status, 413) << r.raw;
    EXPECT_EQ(r.body["detail"],
              "the filter matches 10001 exceptions; one bulk action takes at most 10000: narrow "
              "the filter (status, rule, severity, vendor or assignee)");
    EXPECT_EQ(sql("SELECT count(*) FROM recon_exceptions WHERE assignee IS NOT NULL").text(0, 0),
              "0");
    EXPECT_EQ(sql("SELECT count(*) FROM recon_exception_events WHERE kind = 'assigned'").text(0, 0),
              "0");
    EXPECT_EQ(audit_count("recon.exception.assign"), "0");
    // Within the cap it goes through.
    sql("DELETE FROM recon_exceptions WHERE vendor_item = 'B-10001'");
    auto within = call("POST", "/api/v1/recon/exceptions/actions", &analyst,
                       {{"filter", {{"vendor_id", "bulk"}}},
                        {"action", "assign"},
                        {"assignee", a_.users.at("analyst")}});
    ASSERT_EQ(within.status, 200) << within.raw;
    EXPECT_EQ(within.body["updated"], 10000);
    EXPECT_EQ(audit_count("recon.exception.assign"), "10000");
}

TEST_F(ReconApiTest, MappingsAndPolicyFollowTheirRoles) {
    auto analyst = login(email("a", "analyst"));
    auto admin = login(email("a", "admin"));
    auto mappings = call("GET", "/api/v1/recon/mappings?status=suggested", &analyst);
    ASSERT_EQ(mappings.status, 200);
    ASSERT_EQ(mappings.body["items"].size(), 1u);
    auto approved = call("POST", "/api/v1/recon/mappings/" + a_.mapping_id + "/approve", &analyst,
                         {{"note", "checked"}});
    ASSERT_EQ(approved.status, 200) << approved.raw;
    EXPECT_EQ(approved.body["status"], "approved");
    EXPECT_EQ(audit_count("recon.mapping.approve"), "1");
    auto bad = call("POST", "/api/v1/recon/mappings/decisions", &analyst,
                    {{"mapping_ids", {a_.mapping_id}}, {"decision", "maybe"}});
    EXPECT_EQ(bad.status, 400);

    auto policy = call("GET", "/api/v1/recon/policy", &analyst);
    ASSERT_EQ(policy.status, 200);
    EXPECT_TRUE(policy.body["abs_tolerance"].is_null());
    EXPECT_EQ(call("PATCH", "/api/v1/recon/policy", &analyst, {{"pct_tolerance", "2.5"}}).status,
              403);
    auto numeric = call("PATCH", "/api/v1/recon/policy", &admin, {{"pct_tolerance", 2.5}});
    EXPECT_EQ(numeric.status, 400) << "decimals travel as strings";
    auto changed = call("PATCH", "/api/v1/recon/policy", &admin,
                        {{"pct_tolerance", "2.5"}, {"schedule_minutes", nullptr}});
    ASSERT_EQ(changed.status, 200) << changed.raw;
    EXPECT_EQ(changed.body["pct_tolerance"], "2.5");
    EXPECT_TRUE(changed.body["schedule_minutes"].is_null());
    auto audit =
        sql(fmt::format("SELECT before->>'pct_tolerance', after->>'pct_tolerance' FROM "
                        "audit_log WHERE action = 'recon.policy.update' AND tenant_id = "
                        "'{}'",
                        a_.tenant_id));
    ASSERT_EQ(audit.rows(), 1);
    EXPECT_TRUE(audit.is_null(0, 0));
    EXPECT_EQ(audit.text(0, 1), "2.5");

    auto link = call("PUT", "/api/v1/recon/vendor-links/zeta", &admin, {{"supplier_id", "77"}});
    ASSERT_EQ(link.status, 200) << link.raw;
    auto links = call("GET", "/api/v1/recon/vendor-links", &analyst);
    ASSERT_EQ(links.body["items"].size(), 1u);
    EXPECT_EQ(links.body["items"][0]["vendor_id"], "ZETA");
    EXPECT_EQ(call("DELETE", "/api/v1/recon/vendor-links/zeta", &admin).status, 204);
}

TEST_F(ReconApiTest, StaffChooseTheTenantAndNeverSeeAnother) {
    auto staff = login("admin@staff.test");
    auto none = call("GET", "/api/v1/recon/exceptions", &staff);
    EXPECT_EQ(none.status, 400);
    EXPECT_NE(none.body["detail"].get<std::string>().find("X-Tenant-Id"), std::string::npos);
    staff.tenant_header = b_.tenant_id;
    auto b = call("GET", "/api/v1/recon/exceptions", &staff);
    ASSERT_EQ(b.status, 200);
    ASSERT_EQ(b.body["items"].size(), 1u);
    EXPECT_EQ(b.body["items"][0]["vendor_item"], "ITEM-b");
    // A tenant user's X-Tenant-Id is ignored: tenant a's admin still sees a.
    auto admin = login(email("a", "admin"));
    admin.tenant_header = b_.tenant_id;
    auto a = call("GET", "/api/v1/recon/exceptions/" + b_.exception_id, &admin);
    EXPECT_EQ(a.status, 404);
}

}  // namespace
}  // namespace cs::relay::api::testing
