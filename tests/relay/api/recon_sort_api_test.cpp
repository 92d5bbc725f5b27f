// The exceptions queue sorted by its columns on the relay: a whitelist of
// keys, numbers compared as numbers, values that are missing last, and keyset
// pages that neither repeat nor skip a row under any sort.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/relay/api/recon_api_fixture.hpp"

namespace cs::relay::api::testing {
namespace {

class ReconSortApiTest : public ReconApiTest {
protected:
    void SetUp() override {
        ReconApiTest::SetUp();
        if (!conn_) {
            return;
        }
        // Price exceptions of tenant a (numbers 11..18) beside the fixture's
        // MISSING_MAPPING (number 1, no numbers at all). Two share a
        // difference of 5 % in size, one has none, one is negative.
        struct Row {
            int number;
            const char* vendor;
            const char* supplier;
            const char* price;
            const char* pct;  // nullptr: none
        };
        const Row rows[] = {{11, "ZED", "10", "9.50", "5"},    {12, "ALPHA", "20", "10.00", "-12"},
                            {13, "MIKE", "", "2.25", nullptr}, {14, "ZED", "10", "100", "0.5"},
                            {15, "BRAVO", "20", "1.10", "-5"}, {16, "ZED", "10", "30.125", "30"},
                            {17, "MIKE", "", "7", "2.75"},     {18, "ALPHA", "20", "0.99", "100"}};
        // The vendors' P21 names, as the catalog holds them.
        std::string statements = fmt::format(
            "INSERT INTO recon_p21_suppliers (tenant_id, site_id, supplier_bk, supplier_id, "
            "name_key, supplier_name, active) VALUES ('{0}', '{1}', '\\x01', '10', "
            "'ZULU SUPPLY', 'Zulu Supply', true), ('{0}', '{1}', '\\x02', '20', 'BAKER PARTS', "
            "'Baker Parts', true);",
            a_.tenant_id, a_.site_id);
        for (const Row& r : rows) {
            nlohmann::json details = {{"contract_price", r.price}, {"p21_cost", "1.00"}};
            if (r.pct) {
                details["difference_pct"] = r.pct;
            }
            statements += fmt::format(
                "INSERT INTO recon_exceptions (tenant_id, rule, line_key, vendor_id, contract_no, "
                "vendor_item, vendor_uom, supplier_id, severity, severity_rank, message, "
                "suggested_action, details, fingerprint, first_run_id, last_run_id, number) "
                "VALUES ('{0}', 'PRICE_MISMATCH', 'k{1}', '{2}', 'C', 'I-{1}', 'EA', "
                "nullif('{3}', ''), 'high', 3, 'm', 's', '{4}', '', '{5}', '{5}', {1});",
                a_.tenant_id, r.number, r.vendor, r.supplier, details.dump(), a_.recon_run_id);
        }
        sql(statements);
    }

    // Every page of the open queue under `sort`, `size` at a time: the numbers in order.
    std::vector<int> numbers(const Session& s, const std::string& sort, int size = 3) {
        std::vector<int> out;
        std::string token;
        for (int pages = 0; pages < 20; ++pages) {
            auto page = call("GET",
                             fmt::format("/api/v1/recon/exceptions?status=open&sort={}&page_size="
                                         "{}{}",
                                         sort, size, token.empty() ? "" : "&page_token=" + token),
                             &s);
            EXPECT_EQ(page.status, 200) << page.raw;
            for (const auto& x : page.body["items"]) {
                out.push_back(x["number"].get<int>());
            }
            if (page.body["next_page_token"].is_null()) {
                return out;
            }
            token = page.body["next_page_token"].get<std::string>();
        }
        ADD_FAILURE() << "more than 20 pages";
        return out;
    }
};

TEST_F(ReconSortApiTest, EachColumnSortsAcrossPages) {
    auto analyst = login(email("a", "analyst"));
    // By size of the difference, sign ignored; ties by number; none last.
    EXPECT_EQ(numbers(analyst, "-difference_pct"),
              (std::vector<int>{18, 16, 12, 15, 11, 17, 14, 13, 1}));
    EXPECT_EQ(numbers(analyst, "difference_pct"),
              (std::vector<int>{14, 17, 11, 15, 12, 16, 18, 1, 13}));
    // Prices as numbers, not text ("100" above "30.125").
    EXPECT_EQ(numbers(analyst, "-contract_price", 2),
              (std::vector<int>{14, 16, 12, 11, 17, 13, 15, 18, 1}));
    EXPECT_EQ(numbers(analyst, "number", 4), (std::vector<int>{1, 11, 12, 13, 14, 15, 16, 17, 18}));
    EXPECT_EQ(numbers(analyst, "-number", 4),
              (std::vector<int>{18, 17, 16, 15, 14, 13, 12, 11, 1}));
}

TEST_F(ReconSortApiTest, VendorsSortByTheirP21Name) {
    auto analyst = login(email("a", "analyst"));
    // Supplier 20 is "Baker Parts", 10 "Zulu Supply"; without a supplier, the
    // vendor code (ACME, MIKE).
    EXPECT_EQ(numbers(analyst, "vendor", 2), (std::vector<int>{1, 12, 15, 18, 13, 17, 11, 14, 16}));
    EXPECT_EQ(numbers(analyst, "-vendor", 2),
              (std::vector<int>{16, 14, 11, 17, 13, 18, 15, 12, 1}));
    auto page =
        call("GET", "/api/v1/recon/exceptions?status=open&sort=vendor&page_size=2", &analyst);
    EXPECT_TRUE(page.body["items"][0]["vendor_name"].is_null());
    EXPECT_EQ(page.body["items"][1]["vendor_name"], "Baker Parts");
    EXPECT_EQ(page.body["items"][1]["vendor_id"], "ALPHA");
}

TEST_F(ReconSortApiTest, AnUnknownSortOrAForeignCursorIsRefused) {
    auto analyst = login(email("a", "analyst"));
    auto unknown = call("GET", "/api/v1/recon/exceptions?sort=-price", &analyst);
    EXPECT_EQ(unknown.status, 400);
    EXPECT_NE(unknown.raw.find("unknown key '-price'"), std::string::npos) << unknown.raw;
    EXPECT_NE(unknown.raw.find("difference_pct"), std::string::npos) << "names the keys";
    EXPECT_EQ(call("GET", "/api/v1/recon/exceptions?sort=-", &analyst).status, 400);
    auto first = call("GET", "/api/v1/recon/exceptions?sort=vendor&page_size=2", &analyst);
    ASSERT_TRUE(first.body["next_page_token"].is_string());
    auto foreign = call("GET",
                        "/api/v1/recon/exceptions?sort=-p21_cost&page_size=2&page_token=" +
                            first.body["next_page_token"].get<std::string>(),
                        &analyst);
    EXPECT_EQ(foreign.status, 400);
    EXPECT_NE(foreign.raw.find("sorted by p21_cost"), std::string::npos) << foreign.raw;
    // The export and bulk actions by filter take the sort as the list does.
    auto bad_bulk = call("POST", "/api/v1/recon/exceptions/actions", &analyst,
                         {{"action", "comment"},
                          {"text", "x"},
                          {"filter", {{"sort", "nope"}}},
                          {"expected_count", 1}});
    EXPECT_EQ(bad_bulk.status, 400);
}

}  // namespace
}  // namespace cs::relay::api::testing
