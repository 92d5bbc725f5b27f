#include "tests/relay/support/records.hpp"

#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace cs::relay::testing {
namespace {

std::string entity_filter(const apply::SiteRef& site, const std::string& entity) {
    return fmt::format("tenant_id = '{}' AND site_id = '{}' AND entity = '{}'", site.tenant_id,
                       site.site_id, entity);
}

}  // namespace

std::string scalar(db::Connection& conn, const std::string& sql) {
    auto r = conn.query("test query", sql);
    if (!r) {
        ADD_FAILURE() << r.error().message;
        return {};
    }
    if (r->rows() == 0 || r->is_null(0, 0)) {
        return {};
    }
    return std::string(r->text(0, 0));
}

void expect_records_match(db::Connection& conn, const apply::SiteRef& site,
                          const SourceModel& model) {
    auto rows = conn.query(
        "reading records",
        fmt::format("SELECT encode(bk_hash, 'hex'), encode(data_hash, 'hex'), deleted FROM "
                    "records WHERE {}",
                    entity_filter(site, model.entity())));
    ASSERT_TRUE(rows) << rows.error().message;
    std::map<std::string, std::pair<std::string, bool>> stored;
    for (int i = 0; i < rows->rows(); ++i) {
        stored[std::string(rows->text(i, 0))] = {std::string(rows->text(i, 1)),
                                                 rows->boolean(i, 2)};
    }
    std::size_t problems = 0;
    auto report = [&](const std::string& what) {
        if (++problems <= 5) {
            ADD_FAILURE() << what;
        }
    };
    for (const auto& [bk, row] : model.live()) {
        auto it = stored.find(bk.to_hex());
        if (it == stored.end()) {
            report("live row " + bk.to_hex() + " is missing from records");
        } else if (it->second.second) {
            report("live row " + bk.to_hex() + " is marked deleted");
        } else if (it->second.first != row.data_hash.to_hex()) {
            report("row " + bk.to_hex() + " has data hash " + it->second.first + ", source has " +
                   row.data_hash.to_hex());
        }
    }
    for (const auto& [bk, row] : model.deleted()) {
        auto it = stored.find(bk.to_hex());
        if (it != stored.end() && !it->second.second) {
            report("removed row " + bk.to_hex() + " is not marked deleted");
        }
    }
    std::size_t expected_rows = model.live().size();
    for (const auto& [bk, row] : model.deleted()) {
        expected_rows += stored.count(bk.to_hex());
    }
    EXPECT_EQ(stored.size(), expected_rows) << "records holds rows the source never had";

    // Field by field, as PostgreSQL's jsonb renders them.
    auto fields =
        conn.query("reading record fields",
                   fmt::format("SELECT encode(r.bk_hash, 'hex'), e.key, e.value FROM records r, "
                               "jsonb_each_text(r.data) e WHERE NOT r.deleted AND {}",
                               entity_filter(site, model.entity())));
    ASSERT_TRUE(fields) << fields.error().message;
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < model.schema().size(); ++i) {
        index[model.schema()[i].name] = i;
    }
    std::map<std::string, const SourceModel::Row*> by_hex;
    for (const auto& [bk, row] : model.live()) {
        by_hex[bk.to_hex()] = &row;
    }
    std::size_t seen = 0;
    for (int i = 0; i < fields->rows(); ++i) {
        auto row = by_hex.find(std::string(fields->text(i, 0)));
        auto field = index.find(std::string(fields->text(i, 1)));
        if (row == by_hex.end() || field == index.end()) {
            report(fmt::format("unexpected field {} in row {}", fields->text(i, 1),
                               fields->text(i, 0)));
            continue;
        }
        ++seen;
        const auto& value = row->second->values[field->second];
        std::string expected = value.is_null() ? "<null>" : value.to_text();
        std::string actual = fields->is_null(i, 2) ? "<null>" : std::string(fields->text(i, 2));
        if (expected != actual) {
            report(fmt::format("row {} field {}: records has '{}', source has '{}'",
                               fields->text(i, 0), fields->text(i, 1), actual, expected));
        }
    }
    EXPECT_EQ(seen, model.live().size() * model.schema().size()) << "fields missing from data";
}

void expect_ledger(db::Connection& conn, const apply::SiteRef& site, const std::string& stream_id,
                   const std::set<std::uint64_t>& sequences) {
    auto r = conn.query("reading the ledger",
                        fmt::format("SELECT sequence FROM applied_change_sets WHERE tenant_id = "
                                    "'{}' AND stream_id = '{}' ORDER BY sequence",
                                    site.tenant_id, stream_id));
    ASSERT_TRUE(r) << r.error().message;
    std::multiset<std::uint64_t> found;
    for (int i = 0; i < r->rows(); ++i) {
        found.insert(static_cast<std::uint64_t>(r->integer(i, 0)));
    }
    EXPECT_EQ(std::set<std::uint64_t>(found.begin(), found.end()), sequences);
    EXPECT_EQ(found.size(), sequences.size()) << "a sequence is recorded more than once";
    if (!sequences.empty()) {
        EXPECT_EQ(scalar(conn, fmt::format("SELECT last_sequence FROM streams WHERE tenant_id = "
                                           "'{}' AND stream_id = '{}'",
                                           site.tenant_id, stream_id)),
                  std::to_string(*sequences.rbegin()));
    }
}

}  // namespace cs::relay::testing
