#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/tools/p21sim/mutations.hpp"
#include "tests/tools/p21sim/page.hpp"

namespace cs::p21sim {
namespace {

constexpr std::int64_t kDataEnd = 1748736000000;

TEST(QueryString, DecodesPercentEscapesAndPlusAsSpace) {
    auto target =
        parse_target("/t?$filter=item_id%20eq%20%27A%2BB%2F1%20%23%26%27&x=a+b&empty=&flag");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->path, "/t");
    ASSERT_EQ(target->params.size(), 4u);
    EXPECT_EQ(target->params[0].name, "$filter");
    EXPECT_EQ(target->params[0].value, "item_id eq 'A+B/1 #&'");
    EXPECT_EQ(target->params[0].encoded_value, "item_id%20eq%20%27A%2BB%2F1%20%23%26%27");
    EXPECT_EQ(target->find("x")->value, "a b");
    EXPECT_EQ(target->find("empty")->value, "");
    EXPECT_EQ(target->find("flag")->value, "");
    EXPECT_EQ(target->find("missing"), nullptr);
}

TEST(QueryString, DecodesThePath) {
    auto target = parse_target("/odataservice/odata/table/inv%5Fmast");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->path, "/odataservice/odata/table/inv_mast");
}

TEST(QueryString, RejectsBrokenEscapes) {
    EXPECT_FALSE(parse_target("/t?$filter=a%2"));
    EXPECT_FALSE(parse_target("/t?$filter=%zz"));
    EXPECT_FALSE(parse_target("not-origin-form"));
}

TEST(QueryString, EncodesValuesForLinks) {
    EXPECT_EQ(encode_query_value("A+B /#&'"), "A%2BB%20%2F%23%26%27");
    EXPECT_EQ(encode_query_value("o1f"), "o1f");
}

class QueryTest : public ::testing::Test {
protected:
    QueryTest()
        : zone_(TimeZone::locate("America/Chicago").value()),
          generator_(21, parse_row_counts("inv_mast=1000,supplier=20").value(), kDataEnd),
          table_(TableId::inv_mast, generator_) {}

    QueryOptions options(std::string_view query, Surface surface = Surface::p21) {
        auto target = parse_target("/x?" + std::string(query));
        EXPECT_TRUE(target);
        auto parsed = parse_query_options(*target, table_.schema(), zone_, surface);
        EXPECT_TRUE(parsed) << query << ": " << (parsed ? "" : parsed.error().message);
        return parsed ? std::move(*parsed) : QueryOptions{};
    }

    Error option_error(std::string_view query, Surface surface = Surface::p21) {
        auto target = parse_target("/x?" + std::string(query));
        EXPECT_TRUE(target) << query;
        if (!target) {
            return Error{};
        }
        auto parsed = parse_query_options(*target, table_.schema(), zone_, surface);
        EXPECT_FALSE(parsed) << query;
        return parsed ? Error{} : parsed.error();
    }

    std::int64_t key_of(std::uint64_t index) {
        Value v;
        generator_.key_of(TableId::inv_mast, index, v);
        return v.integer;
    }

    TimeZone zone_;
    Generator generator_;
    Table table_;
    QueryEngine engine_;
};

TEST_F(QueryTest, ParsesSystemQueryOptions) {
    QueryOptions o = options(
        "$select=item_id,inv_mast_uid&$orderby=item_id%20desc,%20"
        "inv_mast_uid&$top=5&$skip=10&$count=true"
        "&$format=json&custom=ignored");
    EXPECT_EQ(o.select,
              (std::vector<std::size_t>{inv_mast_col::item_id, inv_mast_col::inv_mast_uid}));
    ASSERT_EQ(o.orderby.size(), 2u);
    EXPECT_TRUE(o.orderby[0].descending);
    EXPECT_FALSE(o.orderby[1].descending);
    EXPECT_EQ(o.orderby_text, "item_id desc,inv_mast_uid asc");
    EXPECT_EQ(o.top, 5u);
    EXPECT_EQ(o.skip, 10u);
    EXPECT_TRUE(o.count);
    EXPECT_EQ(options("").select.size(), table_.schema().columns.size());
}

TEST_F(QueryTest, RejectsBadOptionsWithTheStatusP21Uses) {
    EXPECT_EQ(http_status(option_error("$top=-1")), 400);
    EXPECT_EQ(http_status(option_error("$top=abc")), 400);
    EXPECT_EQ(http_status(option_error("$skip=1&$skip=2")), 400);
    EXPECT_EQ(http_status(option_error("$select=nope")), 400);
    EXPECT_EQ(http_status(option_error("$orderby=item_id+sideways")), 400);
    EXPECT_EQ(http_status(option_error("$count=yes")), 400);
    EXPECT_EQ(http_status(option_error("$expand=item_uom")), 400);
    EXPECT_EQ(http_status(option_error("$foo=1")), 400);
    EXPECT_EQ(http_status(option_error("$format=xml")), 400);
    EXPECT_EQ(http_status(option_error("$filter=date_last_modified%20gt%20now()")), 404);
    EXPECT_EQ(http_status(option_error("$skip=5", Surface::generic)), 400);
    EXPECT_EQ(http_status(option_error("$skiptoken=5", Surface::generic)), 400);
}

TEST_F(QueryTest, PagesInKeyOrderSkippingDeletedRows) {
    QueryOptions o = options("");
    Page page = engine_.run(Dataset(table_), o, 0, 3);
    EXPECT_EQ(page.rows, (std::vector<std::uint64_t>{0, 1, 2}));
    EXPECT_EQ(page.total, 1000u);
    table_.erase(1);
    table_.erase(3);
    page = engine_.run(Dataset(table_), o, 1, 3);
    EXPECT_EQ(page.rows, (std::vector<std::uint64_t>{2, 4, 5}));
    EXPECT_EQ(page.total, 998u);
    page = engine_.run(Dataset(table_), o, 996, 10);
    EXPECT_EQ(page.rows, (std::vector<std::uint64_t>{998, 999}));
    EXPECT_TRUE(engine_.run(Dataset(table_), o, 998, 10).rows.empty());
}

TEST_F(QueryTest, FiltersAndOrdersWithAStableKeyTieBreak) {
    QueryOptions o = options("$filter=delete_flag%20eq%20'N'&$orderby=class_id1%20desc");
    Dataset dataset(table_);
    std::vector<std::uint64_t> all;
    for (std::uint64_t offset = 0;; offset += 100) {
        Page page = engine_.run(dataset, o, offset, 100);
        all.insert(all.end(), page.rows.begin(), page.rows.end());
        if (page.rows.size() < 100) {
            EXPECT_EQ(page.total, all.size());
            break;
        }
    }
    ASSERT_GT(all.size(), 900u);
    Value previous, current, flag;
    for (std::size_t i = 0; i < all.size(); ++i) {
        table_.cell(all[i], nullptr, inv_mast_col::delete_flag, flag);
        EXPECT_EQ(flag.text, "N");
        table_.cell(all[i], nullptr, inv_mast_col::class_id1, current);
        if (i > 0) {
            auto order = compare_values(previous, current);
            EXPECT_TRUE(order > 0 || (order == 0 && all[i - 1] < all[i])) << i;
        }
        previous = current;
    }
    EXPECT_EQ(engine_.cache_misses(), 1u);  // one scan served every page
    EXPECT_GE(engine_.cache_hits(), 9u);
}

TEST_F(QueryTest, MutationsInvalidateCachedMatches) {
    QueryOptions o = options("$filter=last_maintained_by%20eq%20'p21sim'");
    Dataset dataset(table_);
    EXPECT_EQ(engine_.run(dataset, o, 0, 10).total, 0u);
    Selection selection{.keys = {std::to_string(key_of(5)), std::to_string(key_of(7))}};
    ASSERT_TRUE(update_rows(table_, generator_, selection, {}, kDataEnd + 1000));
    Page page = engine_.run(dataset, o, 0, 10);
    EXPECT_EQ(page.rows, (std::vector<std::uint64_t>{5, 7}));
    ASSERT_TRUE(delete_rows(table_, generator_, Selection{.keys = {std::to_string(key_of(5))}}));
    EXPECT_EQ(engine_.run(dataset, o, 0, 10).rows, (std::vector<std::uint64_t>{7}));
}

TEST_F(QueryTest, ServerPagingAddsNextLinksThatKeepTheQuery) {
    auto target =
        parse_target("/t/inv_mast?$filter=inv_mast_uid%20le%20250&$top=240&$skip=5&$count=true");
    ASSERT_TRUE(target);
    auto o = parse_query_options(*target, table_.schema(), zone_, Surface::p21).value();
    const std::string context_url = "http://h/t/$metadata#inv_mast";
    const JsonStyle style{&zone_, DateTimeStyle::naive};
    Dataset dataset(table_);
    PageRequest first{.dataset = dataset,
                      .options = o,
                      .target = *target,
                      .context_url = context_url,
                      .server_paging = true,
                      .page_size = 100,
                      .link_prefix = "inv_mast",
                      .style = style};
    HttpResponse response = serve_page(engine_, first);
    ASSERT_EQ(response.status, 200);
    auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(body["@odata.count"], 250);
    ASSERT_EQ(body["value"].size(), 100u);
    EXPECT_EQ(body["value"][0]["inv_mast_uid"], 6);
    EXPECT_EQ(body["@odata.nextLink"],
              "inv_mast?$filter=inv_mast_uid%20le%20250&$count=true&$top=140&$skiptoken=105");

    auto next = parse_target(
        "/t/inv_mast?$filter=inv_mast_uid%20le%20250&$count=true&$top=40&$skiptoken=205");
    auto o2 = parse_query_options(*next, table_.schema(), zone_, Surface::p21).value();
    PageRequest last{.dataset = dataset,
                     .options = o2,
                     .target = *next,
                     .context_url = context_url,
                     .server_paging = true,
                     .page_size = 100,
                     .link_prefix = "inv_mast",
                     .style = style};
    body = nlohmann::json::parse(serve_page(engine_, last).body);
    EXPECT_EQ(body["value"].size(), 40u);
    EXPECT_FALSE(body.contains("@odata.nextLink"));  // $top is used up
}

TEST_F(QueryTest, ClientPagingCapsTopAndRefusesHugeAnswers) {
    Dataset dataset(table_);
    auto target = parse_target("/t?$top=500").value();
    auto o = parse_query_options(target, table_.schema(), zone_, Surface::p21).value();
    PageRequest capped{.dataset = dataset,
                       .options = o,
                       .target = target,
                       .max_top = 100,
                       .style = {&zone_, DateTimeStyle::naive}};
    auto body = nlohmann::json::parse(serve_page(engine_, capped).body);
    EXPECT_EQ(body["value"].size(), 100u);
    EXPECT_FALSE(body.contains("@odata.nextLink"));
    PageRequest limited{.dataset = dataset,
                        .options = o,
                        .target = target,
                        .max_response_rows = 499,
                        .style = {&zone_, DateTimeStyle::naive}};
    EXPECT_EQ(serve_page(engine_, limited).status, 500);
}

TEST_F(QueryTest, BuildsTheBodyInTheConnectionsSpareBuffer) {
    Dataset dataset(table_);
    auto target = parse_target("/t?$top=10").value();
    auto o = parse_query_options(target, table_.schema(), zone_, Surface::p21).value();
    std::string spare;
    spare.reserve(1 << 20);
    spare = "stale";
    const char* memory = spare.data();
    PageRequest request{.dataset = dataset,
                        .options = o,
                        .target = target,
                        .style = {&zone_, DateTimeStyle::naive},
                        .body_buffer = &spare};
    HttpResponse response = serve_page(engine_, request);
    EXPECT_EQ(response.body.data(), memory);
    EXPECT_EQ(nlohmann::json::parse(response.body)["value"].size(), 10u);
}

TEST_F(QueryTest, WritesDecimalsAndDatetimesExactly) {
    Row row = table_.materialize(0);
    row[inv_mast_col::list_price].set_decimal(Decimal::parse("1234567.0005").value());
    row[inv_mast_col::date_last_modified].set_datetime(1735747200007);
    table_.put(0, row);
    std::string out;
    Value scratch;
    std::vector<std::size_t> columns{inv_mast_col::list_price, inv_mast_col::date_last_modified,
                                     inv_mast_col::class_id5};
    append_row(out, Dataset(table_), 0, columns, {&zone_, DateTimeStyle::offset}, scratch);
    auto parsed = nlohmann::json::parse(out);
    EXPECT_NE(out.find("\"list_price\":1234567.0005"), std::string::npos) << out;
    EXPECT_EQ(parsed["date_last_modified"], "2025-01-01T10:00:00.007-06:00");
    std::string small;
    Decimal::parse("-0.0500").value().append_to(small);
    EXPECT_EQ(small, "-0.0500");
}

}  // namespace
}  // namespace cs::p21sim
