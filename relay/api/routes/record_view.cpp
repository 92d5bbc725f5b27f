#include "relay/api/routes/record_view.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "relay/db/exact_json.hpp"

namespace cs::relay::api::routes {
namespace {

constexpr std::size_t kMaxFieldFilters = 8;
constexpr std::size_t kFieldSample = 1000;
constexpr std::string_view kCountTimeout = "1s";
constexpr std::string_view kQueryCanceled = "57014";

// The view's WHERE clause and parameters: $1 tenant, $2 site, $3 entity, $4 key,
// $5 include_deleted, $6 q, then a name and a value per field filter, then the
// sorted field's name (unless !with_sort); `next` is the first parameter free for the caller.
struct ViewSql {
    std::string where;
    std::string sort_expr;  // "" for the key order
    std::string sort_type;
    int next = 7;
    db::Params params;
};

ViewSql view_sql(const RecordView& v, bool with_sort = true) {
    ViewSql s;
    s.params.text(v.tenant).text(v.site).text(v.entity).text(v.key).boolean(v.include_deleted);
    s.params.text(v.q);
    s.where =
        "r.tenant_id = $1::uuid AND r.site_id = $2::uuid AND r.entity = $3 AND ($4 = '' OR "
        "r.bk_hash = decode($4, 'hex')) AND ($5 OR NOT r.deleted) AND ($6 = '' OR "
        "strpos(lower(r.data::text), lower($6)) > 0)";
    for (const auto& [name, value] : v.fields) {
        s.where += fmt::format(" AND r.data ->> ${} = ${}", s.next, s.next + 1);
        s.next += 2;
        s.params.text(name).text(value);
    }
    if (!with_sort) {
        return s;  // PostgreSQL refuses parameters a statement does not use
    }
    if (v.sort == "last_changed_at") {
        s.sort_expr = "r.last_changed_at";
        s.sort_type = "timestamptz";
    } else if (!v.sort.empty()) {
        // A missing field sorts as JSON null, below every value.
        s.sort_expr = fmt::format("COALESCE(r.data -> ${}, 'null'::jsonb)", s.next++);
        s.sort_type = "jsonb";
        s.params.text(v.sort);
    }
    return s;
}

// Runs `sql` (one integer) under a statement timeout inside a savepoint, so a
// slow count is given up without failing the request; nullopt when it timed out.
Expected<std::optional<std::int64_t>> bounded_count(db::Connection& db, const std::string& sql,
                                                    const db::Params& params) {
    if (auto r = db.exec(
            "counting records",
            fmt::format("SAVEPOINT cs_count; SET LOCAL statement_timeout = '{}'", kCountTimeout));
        !r) {
        return std::move(r).error();
    }
    auto r = db.query("counting records", sql, params);
    bool timed_out = !r && db.last_sqlstate() == kQueryCanceled;
    // Rolling back to the savepoint also undoes the SET LOCAL.
    if (auto undo = db.exec("counting records",
                            "ROLLBACK TO SAVEPOINT cs_count; RELEASE SAVEPOINT cs_count");
        !undo) {
        return std::move(undo).error();
    }
    if (timed_out) {
        return std::optional<std::int64_t>();
    }
    if (!r) {
        return std::move(r).error();
    }
    return std::optional<std::int64_t>(r->integer(0, 0));
}

std::string sort_name(const RecordView& v) {
    return (v.sort.empty() ? "bk_hash" : v.sort) + (v.descending ? ":desc" : ":asc");
}

}  // namespace

bool is_bk_hash(std::string_view s) {
    return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

Expected<RecordView> parse_view(const RequestContext& ctx, const std::string& tenant) {
    RecordView v;
    v.tenant = tenant;
    v.site = ctx.param("site_id");
    v.entity = ctx.param("entity");
    if (v.entity.empty() || v.entity.size() > 128) {
        return make_error(ErrorCode::invalid_argument, "entity names are 1 to 128 characters");
    }
    v.key = ctx.query.get("key").value_or("");
    if (!v.key.empty() && !is_bk_hash(v.key)) {
        return make_error(ErrorCode::invalid_argument,
                          "'key' must be a bk_hash: 32 lowercase hex characters");
    }
    auto deleted = ctx.query.get("include_deleted").value_or("");
    if (!deleted.empty() && deleted != "true" && deleted != "false") {
        return make_error(ErrorCode::invalid_argument, "'include_deleted' must be true or false");
    }
    v.include_deleted = deleted == "true";
    v.q = ctx.query.get("q").value_or("");
    if (v.q.size() > 200) {
        return make_error(ErrorCode::invalid_argument, "'q' is longer than 200 bytes");
    }
    for (const auto& [name, value] : ctx.query.all()) {
        if (name.rfind("field.", 0) != 0) {
            continue;
        }
        if (v.fields.size() == kMaxFieldFilters) {
            return make_error(ErrorCode::invalid_argument, "at most {} field filters",
                              kMaxFieldFilters);
        }
        auto field = name.substr(6);
        if (field.empty() || field.size() > 128) {
            return make_error(ErrorCode::invalid_argument,
                              "'{}': field names are 1 to 128 characters", name.substr(0, 140));
        }
        v.fields.emplace_back(field, value);
    }
    auto sort = ctx.query.get("sort").value_or("");
    if (sort == "bk_hash") {
        sort.clear();
    } else if (sort.rfind("field.", 0) == 0) {
        sort = sort.substr(6);
        if (sort.empty() || sort.size() > 128) {
            return make_error(ErrorCode::invalid_argument,
                              "'sort': field names are 1 to 128 characters");
        }
    } else if (!sort.empty() && sort != "last_changed_at") {
        return make_error(ErrorCode::invalid_argument,
                          "'sort' must be bk_hash, last_changed_at or field.<name> (got '{}')",
                          sort.substr(0, 140));
    }
    v.sort = std::move(sort);
    auto order = ctx.query.get("order").value_or("asc");
    if (order != "asc" && order != "desc") {
        return make_error(ErrorCode::invalid_argument, "'order' must be asc or desc");
    }
    v.descending = order == "desc";
    return v;
}

Expected<std::vector<std::string>> entity_fields(db::Connection& db, const RecordView& view) {
    auto r = db.query("reading the entity's fields",
                      fmt::format("SELECT DISTINCT k FROM (SELECT r.data FROM records r WHERE "
                                  "r.tenant_id = $1::uuid AND r.site_id = $2::uuid AND r.entity = "
                                  "$3 ORDER BY r.bk_hash LIMIT {}) s, jsonb_object_keys(s.data) k "
                                  "ORDER BY k",
                                  kFieldSample),
                      db::Params().text(view.tenant).text(view.site).text(view.entity));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) {
        out.emplace_back(r->text(i, 0));
    }
    return out;
}

Status check_fields(db::Connection& db, const RecordView& view,
                    const std::vector<std::string>& known) {
    if (known.empty()) {
        return ok();  // nothing synced: every filter simply matches nothing
    }
    std::vector<std::pair<std::string_view, std::string_view>> named;  // (field, where)
    for (const auto& f : view.fields) {
        named.emplace_back(f.first, "filter");
    }
    if (!view.sort.empty() && view.sort != "last_changed_at") {
        named.emplace_back(view.sort, "sort");
    }
    for (auto [field, where] : named) {
        if (std::binary_search(known.begin(), known.end(), field)) {
            continue;
        }
        // Not in the sample: a field only some records have is still a field.
        auto r =
            db.query("checking a field",
                     "SELECT EXISTS (SELECT 1 FROM records r WHERE r.tenant_id = $1::uuid "
                     "AND r.site_id = $2::uuid AND r.entity = $3 AND r.data ? $4)",
                     db::Params().text(view.tenant).text(view.site).text(view.entity).text(field));
        if (!r) {
            return std::move(r).error();
        }
        if (!r->boolean(0, 0)) {
            std::string list;
            for (const auto& k : known) {
                list += (list.empty() ? "" : ", ") + k;
            }
            return make_error(ErrorCode::invalid_argument,
                              "the {} names field '{}', which no {} record has; its fields are: {}",
                              where, field, view.entity, list);
        }
    }
    return ok();
}

Expected<ViewCount> count_view(db::Connection& db, const RecordView& view) {
    auto s = view_sql(view, false);
    auto exact = bounded_count(
        db,
        fmt::format("SELECT count(*) FROM (SELECT 1 FROM records r WHERE {} LIMIT {}) c", s.where,
                    kMaxSortedRecords + 1),
        s.params);
    if (!exact) {
        return std::move(exact).error();
    }
    if (*exact && **exact <= kMaxSortedRecords) {
        return ViewCount{**exact, true};
    }
    auto sample = bounded_count(
        db,
        fmt::format("SELECT count(*) * 256 FROM records r WHERE {} AND r.bk_hash < '\\x01'::bytea",
                    s.where),
        s.params);
    if (!sample) {
        return std::move(sample).error();
    }
    if (!*sample || (**sample == 0 && !*exact)) {
        return ViewCount{};
    }
    // More than the exact limit were seen, so the estimate is at least that.
    auto total = *exact ? std::max(**sample, kMaxSortedRecords + 1) : **sample;
    return ViewCount{total, false};
}

Status check_sortable(const RecordView& view, const ViewCount& count) {
    if (view.sort.empty() || (count.exact && count.total && *count.total <= kMaxSortedRecords)) {
        return ok();
    }
    return make_error(ErrorCode::invalid_argument,
                      "sorting by {} is offered for views of up to {} records and this one has {}; "
                      "narrow it with a filter or a search first",
                      view.sort, kMaxSortedRecords,
                      count.total ? fmt::format("about {}", *count.total) : "too many to count");
}

Expected<PageStart> page_start(const RequestContext& ctx, const RecordView& view,
                               const PageRequest& page) {
    PageStart start;
    auto offset = ctx.query.integer("offset", 0, 0, kMaxJumpOffset);
    if (!offset) {
        return make_error(ErrorCode::invalid_argument,
                          "'offset' must be 0 to {}; sort the other way or use last=true to reach "
                          "rows further in",
                          kMaxJumpOffset);
    }
    auto last = ctx.query.get("last").value_or("");
    if (!last.empty() && last != "true" && last != "false") {
        return make_error(ErrorCode::invalid_argument, "'last' must be true or false");
    }
    int ways = (page.after ? 1 : 0) + (ctx.query.has("offset") ? 1 : 0) + (last == "true" ? 1 : 0);
    if (ways > 1) {
        return make_error(ErrorCode::invalid_argument,
                          "give one of page_token, offset and last=true, not several");
    }
    if (last == "true") {
        start.mode = PageStart::Mode::last;
        return start;
    }
    if (ctx.query.has("offset")) {
        start.mode = PageStart::Mode::offset;
        start.offset = *offset;
        start.position = *offset;
        return start;
    }
    if (!page.after) {
        start.position = 0;
        return start;
    }
    // [direction, position, sort, sort value, bk_hash]
    const auto& t = *page.after;
    auto invalid = [] {
        return make_error(ErrorCode::invalid_argument,
                          "page_token is not a token this API issued; start again without it");
    };
    if (t.size() != 5 || !t[0].is_string() || !t[2].is_string() || !t[3].is_string() ||
        !t[4].is_string() || !(t[1].is_null() || t[1].is_number_integer()) ||
        !is_bk_hash(t[4].get<std::string>())) {
        return invalid();
    }
    if (t[2].get<std::string>() != sort_name(view)) {
        return make_error(ErrorCode::invalid_argument,
                          "page_token belongs to another sort order; start again without it");
    }
    auto dir = t[0].get<std::string>();
    if (dir != "n" && dir != "p") {
        return invalid();
    }
    start.mode = dir == "n" ? PageStart::Mode::after : PageStart::Mode::before;
    if (t[1].is_number_integer()) {
        start.position = std::max<std::int64_t>(0, t[1].get<std::int64_t>());
    }
    start.sort_value = t[3].get<std::string>();
    start.bk_hash = t[4].get<std::string>();
    return start;
}

Expected<RecordPage> fetch_page(db::Connection& db, const RecordView& view, const PageStart& start,
                                std::int64_t size) {
    auto s = view_sql(view);
    using Mode = PageStart::Mode;
    bool backwards = start.mode == Mode::before || start.mode == Mode::last;
    bool desc = view.descending != backwards;
    std::string dir = desc ? " DESC" : "";
    std::string order = s.sort_expr.empty()
                            ? "r.bk_hash" + dir
                            : fmt::format("{}{}, r.bk_hash{}", s.sort_expr, dir, dir);
    std::string where = s.where;
    if (start.mode == Mode::after || start.mode == Mode::before) {
        const char* op = desc ? "<" : ">";
        if (s.sort_expr.empty()) {
            where += fmt::format(" AND r.bk_hash {} decode(${}, 'hex')", op, s.next);
            s.params.text(start.bk_hash);
        } else {
            where += fmt::format(" AND ({}, r.bk_hash) {} (${}::{}, decode(${}, 'hex'))",
                                 s.sort_expr, op, s.next, s.sort_type, s.next + 1);
            s.params.text(start.sort_value).text(start.bk_hash);
        }
    }
    auto sql = fmt::format(
        "SELECT {}, {}::text FROM records r WHERE {} ORDER BY {} LIMIT {}{}", kRecordJson,
        s.sort_expr.empty() ? "''" : s.sort_expr, where, order, size + 1,
        start.mode == Mode::offset ? fmt::format(" OFFSET {}", start.offset) : std::string());
    auto r = db.query("listing records", sql, s.params);
    if (!r) {
        return std::move(r).error();
    }
    RecordPage page;
    for (int i = 0; i < r->rows() && i < size; ++i) {
        auto row = db::parse_exact(r->text(i, 0), "listing records");
        if (!row) {
            return std::move(row).error();
        }
        page.items.push_back(std::move(*row));
        page.sort_values.emplace_back(r->text(i, 1));
    }
    bool more = r->rows() > size;
    if (backwards) {
        std::reverse(page.items.begin(), page.items.end());
        std::reverse(page.sort_values.begin(), page.sort_values.end());
        page.more_before = more;
        page.more_after = start.mode == Mode::before;
        if (!more) {
            page.position = 0;
        } else if (start.mode == Mode::before) {
            page.position = start.position;
        }
    } else {
        page.more_after = more;
        page.more_before = start.position.value_or(1) > 0;
        page.position = start.position;
    }
    return page;
}

nlohmann::json page_json(const RecordView& view, RecordPage page, std::int64_t size) {
    nlohmann::json out = nlohmann::json::object();
    // [direction, position of the page it fetches (null: unknown), sort, sort value, bk_hash]
    auto token = [&](const char* dir, nlohmann::json pos, std::size_t i) {
        return encode_page_token(nlohmann::json::array(
            {dir, std::move(pos), sort_name(view), page.sort_values[i], page.items[i]["bk_hash"]}));
    };
    auto n = static_cast<std::int64_t>(page.items.size());
    bool known = page.position.has_value();
    std::int64_t at = page.position.value_or(0);
    nlohmann::json next = nullptr;
    nlohmann::json prev = nullptr;
    if (n > 0 && page.more_after) {
        next = token("n", known ? nlohmann::json(at + n) : nlohmann::json(), page.items.size() - 1);
    }
    if (n > 0 && page.more_before) {
        prev = token(
            "p", known ? nlohmann::json(std::max<std::int64_t>(0, at - size)) : nlohmann::json(),
            0);
    }
    out["position"] = known ? nlohmann::json(at) : nlohmann::json();
    out["items"] = std::move(page.items);
    out["next_page_token"] = std::move(next);
    out["prev_page_token"] = std::move(prev);
    return out;
}

}  // namespace cs::relay::api::routes
