// The Records pages' API: sorts with keyset cursors that stay correct under
// each sort, page jumps, counts (exact, then estimated), CSV export of a
// filtered view, unknown fields named, and field-level history written by the
// apply engine.
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "common/uuid/uuid.hpp"
#include "relay/api/routes/record_view.hpp"
#include "relay/apply/engine.hpp"
#include "tests/relay/api/api_fixture.hpp"
#include "tests/relay/support/source_model.hpp"

namespace cs::relay::api::testing {
namespace {

using nlohmann::json;

class RecordsTest : public ApiFixture {
protected:
    void SetUp() override {
        ApiFixture::SetUp();
        analyst_ = login(email("a", "analyst"));
        // 120 contract lines: prices repeat every 10 rows (ties cross page
        // boundaries), every third is a box, times one second apart.
        sql(fmt::format(
            "INSERT INTO records (tenant_id, site_id, entity, bk_hash, data, data_hash, "
            "last_sequence, last_changed_at) SELECT '{}', '{}', 'contract_lines', "
            "decode(md5('line' || i), 'hex'), jsonb_build_object('contract_no', 'C-7', "
            "'item_id', 'ITEM-' || lpad(i::text, 4, '0'), 'price', (10 + i % 10)::numeric + "
            "0.95, 'uom', CASE WHEN i % 3 = 0 THEN 'BX' ELSE 'EA' END, 'description', "
            "'Tee, 3/4in \"PVC\" #' || i), decode(md5('data' || i), 'hex'), 1, "
            "timestamptz '2026-12-01' + i * interval '1 second' FROM generate_series(1, 120) i",
            a_.tenant_id, a_.site_id));
    }

    std::string base() const {
        return fmt::format("/api/v1/sites/{}/entities/contract_lines/records", a_.site_id);
    }

    Response get(const std::string& target) { return call("GET", target, &analyst_); }

    // Every item of the view, following next_page_token from the first page.
    std::vector<json> walk(const std::string& query, int page_size) {
        std::vector<json> all;
        std::string token;
        for (int pages = 0; pages < 100; ++pages) {
            auto r = get(base() + "?" + query + fmt::format("&page_size={}", page_size) +
                         (token.empty() ? "" : "&page_token=" + token));
            EXPECT_EQ(r.status, 200) << r.raw;
            if (r.status != 200) {
                return all;
            }
            EXPECT_EQ(r.body["position"], static_cast<int>(all.size()));
            for (const auto& item : r.body["items"]) {
                all.push_back(item);
            }
            if (r.body["next_page_token"].is_null()) {
                return all;
            }
            token = r.body["next_page_token"].get<std::string>();
        }
        ADD_FAILURE() << "more than 100 pages";
        return all;
    }

    static std::set<std::string> keys(const std::vector<json>& items) {
        std::set<std::string> out;
        for (const auto& i : items) {
            out.insert(i["bk_hash"].get<std::string>());
        }
        return out;
    }

    Session analyst_;
};

TEST_F(RecordsTest, SortsByAFieldWithCursorsThatNeitherSkipNorRepeat) {
    for (const char* order : {"asc", "desc"}) {
        auto all = walk(std::string("sort=field.price&order=") + order, 7);
        ASSERT_EQ(all.size(), 120u) << order;
        EXPECT_EQ(keys(all).size(), 120u) << order << ": a row was repeated";
        for (std::size_t i = 1; i < all.size(); ++i) {
            double a = all[i - 1]["data"]["price"].get<double>();
            double b = all[i]["data"]["price"].get<double>();
            EXPECT_TRUE(std::string(order) == "asc" ? a <= b : a >= b)
                << order << " at " << i << ": " << a << " then " << b;
        }
    }
    auto r = get(base() + "?sort=field.price&page_size=3");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["sort"], "price");
    EXPECT_NE(r.raw.find("\"price\":10.95"), std::string::npos) << "prices keep their digits";
}

TEST_F(RecordsTest, SortsByTheLastChangeNewestFirst) {
    auto all = walk("sort=last_changed_at&order=desc", 50);
    ASSERT_EQ(all.size(), 120u);
    EXPECT_EQ(all.front()["data"]["item_id"], "ITEM-0120");
    EXPECT_EQ(all.back()["data"]["item_id"], "ITEM-0001");
    EXPECT_EQ(keys(all).size(), 120u);
}

TEST_F(RecordsTest, CountsTheFilteredView) {
    auto r = get(base() + "?field.uom=BX&page_size=5");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["total"], 40);
    EXPECT_EQ(r.body["total_exact"], true);
    EXPECT_EQ(r.body["items"].size(), 5u);
    r = get(base() + "?q=%239");  // "#9" is in the description of 9, 90..99
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["total"], 11);
    EXPECT_EQ(r.body["fields"],
              json::array({"contract_no", "description", "item_id", "price", "uom"}));
}

TEST_F(RecordsTest, JumpsToAPageTheLastPageAndBack) {
    auto all = walk("sort=field.item_id", 25);
    ASSERT_EQ(all.size(), 120u);
    auto r = get(base() + "?sort=field.item_id&page_size=25&offset=50");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["position"], 50);
    ASSERT_EQ(r.body["items"].size(), 25u);
    EXPECT_EQ(r.body["items"][0]["bk_hash"], all[50]["bk_hash"]);
    EXPECT_EQ(r.body["items"][24]["bk_hash"], all[74]["bk_hash"]);

    auto last = get(base() + "?sort=field.item_id&page_size=25&last=true");
    ASSERT_EQ(last.status, 200) << last.raw;
    EXPECT_EQ(last.body["position"], 95);
    EXPECT_TRUE(last.body["next_page_token"].is_null());
    ASSERT_EQ(last.body["items"].size(), 25u);
    EXPECT_EQ(last.body["items"][0]["bk_hash"], all[95]["bk_hash"]);
    EXPECT_EQ(last.body["items"][24]["bk_hash"], all[119]["bk_hash"]);

    // Previous from the last page: rows 70..94, with a next token back.
    auto token = last.body["prev_page_token"].get<std::string>();
    auto prev = get(base() + "?sort=field.item_id&page_size=25&page_token=" + token);
    ASSERT_EQ(prev.status, 200) << prev.raw;
    EXPECT_EQ(prev.body["position"], 70);
    EXPECT_EQ(prev.body["items"][0]["bk_hash"], all[70]["bk_hash"]);
    EXPECT_EQ(prev.body["items"][24]["bk_hash"], all[94]["bk_hash"]);
    EXPECT_FALSE(prev.body["next_page_token"].is_null());

    // A token of one sort is refused under another.
    auto other = get(base() + "?sort=field.price&page_token=" + token);
    EXPECT_EQ(other.status, 400);
    EXPECT_NE(other.raw.find("another sort order"), std::string::npos) << other.raw;
    auto far = get(base() + "?offset=100001");
    EXPECT_EQ(far.status, 400);
    EXPECT_NE(far.raw.find("'offset' must be 0 to 100000"), std::string::npos) << far.raw;
}

TEST_F(RecordsTest, UnknownFieldsAndSortKeysAreNamed) {
    auto r = get(base() + "?field.pricee=12.10");
    ASSERT_EQ(r.status, 400) << r.raw;
    EXPECT_NE(r.raw.find("field 'pricee', which no contract_lines record has; its fields are: "
                         "contract_no, description, item_id, price, uom"),
              std::string::npos)
        << r.raw;
    r = get(base() + "?sort=field.colour");
    ASSERT_EQ(r.status, 400) << r.raw;
    EXPECT_NE(r.raw.find("the sort names field 'colour'"), std::string::npos) << r.raw;
    r = get(base() + "?sort=price");
    ASSERT_EQ(r.status, 400) << r.raw;
    EXPECT_NE(r.raw.find("'sort' must be bk_hash, last_changed_at or field.<name> (got 'price')"),
              std::string::npos)
        << r.raw;
    r = get(base() + "?order=up");
    EXPECT_EQ(r.status, 400);
    // A field only some records have is a field.
    sql(
        fmt::format("UPDATE records SET data = data || '{{\"note\": \"x\"}}' WHERE tenant_id = "
                    "'{}' AND data ->> 'item_id' = 'ITEM-0007'",
                    a_.tenant_id));
    r = get(base() + "?field.note=x");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["total"], 1);
}

TEST_F(RecordsTest, ExportsTheFilteredSortedViewAsCsv) {
    auto r =
        get(fmt::format("/api/v1/sites/{}/entities/contract_lines/export?field.uom=BX&sort="
                        "field.price&order=desc&columns=item_id,price,description",
                        a_.site_id));
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.header("Content-Disposition"), "attachment; filename=\"contract_lines.csv\"");
    std::vector<std::string> lines;
    for (std::size_t from = 0; from < r.raw.size();) {
        auto end = r.raw.find("\r\n", from);
        ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
        lines.push_back(r.raw.substr(from, end - from));
        from = end + 2;
    }
    ASSERT_EQ(lines.size(), 41u);
    EXPECT_EQ(lines[0], "bk_hash,deleted,last_changed_at,item_id,price,description");
    // The highest box price is 19.95 (i = 9, 39, 69, 99); quotes are doubled.
    EXPECT_NE(lines[1].find(",19.95,\"Tee, 3/4in \"\"PVC\"\" #"), std::string::npos) << lines[1];
    EXPECT_NE(lines[40].find(",10.95,"), std::string::npos) << lines[40];

    auto bad = get(fmt::format(
        "/api/v1/sites/{}/entities/contract_lines/export?columns=item_id,colour", a_.site_id));
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.raw.find("'columns' names field 'colour'"), std::string::npos) << bad.raw;
}

TEST_F(RecordsTest, LargeViewsAreEstimatedAndRefuseFieldSortsAndExports) {
    sql(fmt::format(
        "INSERT INTO records (tenant_id, site_id, entity, bk_hash, data, data_hash, "
        "last_sequence) SELECT '{}', '{}', 'contract_lines', decode(md5('big' || i), 'hex'), "
        "jsonb_build_object('item_id', 'BIG-' || i, 'price', 1), decode(md5('big' || i), "
        "'hex'), 1 FROM generate_series(1, {}) i",
        a_.tenant_id, a_.site_id, routes::kMaxSortedRecords));
    auto r = get(base() + "?page_size=10");
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["total_exact"], false);
    auto total = r.body["total"].get<std::int64_t>();
    EXPECT_GT(total, routes::kMaxSortedRecords);
    // 1/256 of the keys is a sample of about 390 rows: within 25 % of 100,120.
    EXPECT_LT(total, 125'000);
    EXPECT_EQ(r.body["items"].size(), 10u);
    auto sorted = get(base() + "?sort=field.price");
    EXPECT_EQ(sorted.status, 400);
    EXPECT_NE(sorted.raw.find("sorting by price is offered for views of up to 100000 records"),
              std::string::npos)
        << sorted.raw;
    auto csv = get(fmt::format("/api/v1/sites/{}/entities/contract_lines/export", a_.site_id));
    EXPECT_EQ(csv.status, 413);
    EXPECT_NE(csv.raw.find("an export holds up to 100000 records"), std::string::npos) << csv.raw;
    // Filtered down, the same view is exact and sortable again.
    auto small = get(base() + "?field.contract_no=C-7&sort=field.price");
    ASSERT_EQ(small.status, 200) << small.raw;
    EXPECT_EQ(small.body["total"], 120);
    EXPECT_EQ(small.body["total_exact"], true);
}

TEST_F(RecordsTest, TheRecordShowsWhichFieldsEachUpdateChanged) {
    // Three versions of one row through the apply engine, as an agent sends them.
    relay::testing::SourceModel source("inventory_supplier", relay::testing::item_schema());
    std::string stream = uuid_v7().to_string();
    std::uint64_t next = 1;
    apply::SiteRef site{a_.tenant_id, a_.site_id};
    apply::Applier applier(*conn_);
    for (std::uint64_t version : {1, 2, 3}) {
        source.put(relay::testing::item_row(7, version));
        for (const auto& frame : source.take_frames(stream, next, 100)) {
            auto prepared = apply::prepare(frame, {}, site).value();
            auto outcome = applier.apply(site, prepared).value();
            ASSERT_EQ(outcome.verdict, apply::Verdict::applied) << outcome.error;
        }
    }
    auto key = relay::testing::item_key(7).to_hex();
    auto r = get(
        fmt::format("/api/v1/sites/{}/entities/inventory_supplier/records/{}", a_.site_id, key));
    ASSERT_EQ(r.status, 200) << r.raw;
    const auto& history = r.body["history"];
    ASSERT_EQ(history.size(), 3u) << r.raw;
    EXPECT_EQ(history[0]["op"], "update");
    EXPECT_EQ(history[0]["sequence"], 3);
    EXPECT_FALSE(history[0].contains("old_data"));
    std::set<std::string> changed;
    for (const auto& c : history[0]["changes"]) {
        changed.insert(c["field"].get<std::string>());
    }
    EXPECT_EQ(changed, (std::set<std::string>{"cost", "description", "effective", "list_price",
                                              "modified"}));
    // Item 7's cost is 1000 + 7·37 + 11·version units of 10⁻⁴, digit for digit:
    // 0.1281 → 0.1292 in the newest update, 0.1270 → 0.1281 in the one before.
    EXPECT_NE(r.raw.find(R"({"field":"cost","from":0.1281,"to":0.1292})"), std::string::npos)
        << r.raw;
    EXPECT_NE(r.raw.find(R"({"field":"cost","from":0.1270,"to":0.1281})"), std::string::npos)
        << r.raw;
    EXPECT_NE(r.raw.find(R"("from":"Part 7 \"rev 1\" 3/4in PVC tee, schedule 40")"),
              std::string::npos)
        << r.raw;
    EXPECT_EQ(history[1]["sequence"], 2);
    EXPECT_EQ(history[2]["op"], "insert");
    EXPECT_TRUE(history[2]["changes"].is_null());
    // An update's change_log row holds the data it replaced.
    auto stored = sql(fmt::format(
        "SELECT old_data ->> 'cost', old_data ? 'item_id' FROM change_log WHERE tenant_id = "
        "'{}' AND sequence = 2 AND bk_hash = decode('{}', 'hex')",
        a_.tenant_id, key));
    ASSERT_EQ(stored.rows(), 1);
    EXPECT_EQ(stored.text(0, 0), "0.1270");
    EXPECT_TRUE(stored.boolean(0, 1));
}

}  // namespace
}  // namespace cs::relay::api::testing
