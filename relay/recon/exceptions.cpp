#include "relay/recon/exceptions.hpp"

#include <fmt/format.h>

#include "common/csv/csv_writer.hpp"
#include "relay/db/exact_json.hpp"
#include "relay/recon/atomic.hpp"
#include "relay/recon/sql_util.hpp"

namespace cs::relay::recon {
namespace {

using json = nlohmann::json;

// Columns of ExceptionView, in its order.
std::string view_columns() {
    return "exception_id, seq, rule, severity, status, vendor_id, contract_no, vendor_item, "
           "vendor_uom, coalesce(supplier_id, ''), coalesce(p21_site_id::text, ''), "
           "coalesce(p21_item_id, ''), message, suggested_action, details::text, "
           "coalesce(assignee::text, ''), first_run_id, last_run_id, " +
           sql::iso("first_seen_at") + ", " + sql::iso("last_seen_at") + ", coalesce(" +
           sql::iso("resolved_at") +
           ", ''), coalesce(resolved_by::text, ''), coalesce(resolution_kind, ''), "
           "coalesce(resolution, ''), coalesce(override_until::text, ''), "
           "coalesce(override_reason, ''), coalesce(overridden_by::text, ''), coalesce(" +
           sql::iso("overridden_at") + ", ''), " + sql::iso("updated_at") +
           ", severity_rank, number, coalesce(v.supplier_name, '')";
}

ExceptionView view_from(const db::Result& r, int row) {
    ExceptionView v;
    int c = 0;
    auto next = [&] { return sql::text(r, row, c++); };
    v.exception_id = next();
    ++c;  // seq: the list order, for cursors only
    v.rule = next();
    v.severity = next();
    v.status = next();
    v.vendor_id = next();
    v.contract_no = next();
    v.vendor_item = next();
    v.vendor_uom = next();
    v.supplier_id = next();
    v.p21_site_id = next();
    v.p21_item_id = next();
    v.message = next();
    v.suggested_action = next();
    // Prices in the details exactly as stored (`12.50`, not 12.5).
    auto details = db::parse_exact(next(), "reading an exception");
    v.details = details ? std::move(*details) : json::object();
    v.assignee = next();
    v.first_run_id = next();
    v.last_run_id = next();
    v.first_seen_at = next();
    v.last_seen_at = next();
    v.resolved_at = next();
    v.resolved_by = next();
    v.resolution_kind = next();
    v.resolution = next();
    v.override_until = next();
    v.override_reason = next();
    v.overridden_by = next();
    v.overridden_at = next();
    v.updated_at = next();
    ++c;  // severity_rank
    v.number = r.integer(row, c++);
    v.vendor_name = next();
    return v;
}
constexpr int kSortValueColumn = 32;

// A sort key's SQL: an expression over recon_exceptions (and the vendor's
// P21 name, v.supplier_name), its type for the cursor's value, and whether it
// can be null (then the page is ordered nulls last, which no index serves; the
// keys that cannot be null keep the index order).
struct SortColumn {
    std::string_view key;
    std::string_view expr;
    std::string_view type;
    bool nullable;
};

#define CS_NUM(field)                                                                    \
    "CASE WHEN details->>'" field "' ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN (details->>'" field \
    "')::numeric END"
constexpr SortColumn kSortColumns[] = {
    {"number", "seq", "bigint", false},
    {"severity", "severity_rank", "smallint", false},
    {"vendor", "coalesce(v.supplier_name, vendor_id)", "text", false},
    {"item", "vendor_item", "text", false},
    {"contract_price", CS_NUM("contract_price"), "numeric", true},
    {"p21_cost", CS_NUM("p21_cost"), "numeric", true},
    {"difference", "abs(" CS_NUM("difference") ")", "numeric", true},
    {"difference_pct", "abs(" CS_NUM("difference_pct") ")", "numeric", true},
    {"contract_uom", "coalesce(details->>'contract_uom', vendor_uom)", "text", false},
    {"p21_uom", "coalesce(details->>'p21_cost_uom', details->>'p21_uom')", "text", true},
    {"effective_end",
     "CASE WHEN details->>'effective_end' ~ '^\\d{4}-\\d{2}-\\d{2}$' "
     "THEN (details->>'effective_end')::date END",
     "date", true},
    {"first_seen", "first_seen_at", "timestamptz", false},
    {"last_seen", "last_seen_at", "timestamptz", false},
};
#undef CS_NUM

// The vendor's name as P21 has it: the supplier the run resolved the vendor to.
constexpr std::string_view kFrom = R"sql(recon_exceptions e
    LEFT JOIN LATERAL (
        SELECT s.supplier_name FROM recon_p21_suppliers s
        WHERE s.tenant_id = e.tenant_id AND s.supplier_id = e.supplier_id
          AND s.supplier_name IS NOT NULL
        ORDER BY s.active DESC LIMIT 1) v ON true)sql";

ExceptionSort sort_of(const ExceptionFilter& f) {
    if (f.sort) {
        return *f.sort;
    }
    return ExceptionSort{f.order == ExceptionOrder::severity ? "severity" : "number", true};
}

Expected<const SortColumn*> sort_column(const ExceptionSort& sort) {
    for (const SortColumn& c : kSortColumns) {
        if (c.key == sort.key) {
            return &c;
        }
    }
    return make_error(ErrorCode::invalid_argument, "sort: unknown key '{}'; sort by one of {}",
                      sort.key, exception_sort_keys());
}

// Where the previous page ended: the last row's sort value (nullopt: null) and
// number order (seq).
struct After {
    std::optional<std::string> value;
    std::int64_t seq = 0;
};

// Cursors are ["<sort key>", value or null, seq]: a cursor of another sort is
// refused rather than misread.
Expected<std::optional<After>> parse_cursor(std::string_view cursor, std::string_view key) {
    if (cursor.empty()) {
        return std::optional<After>();
    }
    auto j = json::parse(cursor, nullptr, false);
    if (!j.is_array() || j.size() != 3 || !j[0].is_string() || j[0] != key ||
        !(j[1].is_string() || j[1].is_null()) || !j[2].is_number_integer()) {
        return make_error(ErrorCode::invalid_argument,
                          "the page cursor is not one of this list sorted by {}", key);
    }
    After a;
    if (j[1].is_string()) {
        a.value = j[1].get<std::string>();
    }
    a.seq = j[2].get<std::int64_t>();
    return std::optional<After>(a);
}

// One page in the filter's order after `after`; `limit` rows. The last
// column is the row's sort value as text, for its cursor.
Expected<db::Result> query_page(db::Connection& conn, std::string_view tenant_id,
                                const ExceptionFilter& f, const std::optional<After>& after,
                                int limit) {
    auto sort = sort_of(f);
    auto column = sort_column(sort);
    if (!column) {
        return std::move(column).error();
    }
    const SortColumn& c = **column;
    std::string_view dir = sort.descending ? "DESC" : "ASC";
    std::string_view cmp = sort.descending ? "<" : ">";
    auto params = filter_params(tenant_id, f);
    std::string keyset;
    if (after) {
        std::size_t n = params.size();
        if (!after->value) {
            keyset = fmt::format("AND ({}) IS NULL AND seq {} ${}::bigint", c.expr, cmp, n + 1);
            params.integer(after->seq);
        } else if (c.nullable) {
            keyset = fmt::format(
                "AND (({0}) IS NULL OR ({0}) {1} ${2}::{3} OR (({0}) = ${2}::{3} AND seq {1} "
                "${4}::bigint))",
                c.expr, cmp, n + 1, c.type, n + 2);
            params.text(*after->value).integer(after->seq);
        } else {
            keyset = fmt::format("AND (({0}), seq) {1} (${2}::{3}, ${4}::bigint)", c.expr, cmp,
                                 n + 1, c.type, n + 2);
            params.text(*after->value).integer(after->seq);
        }
    }
    std::string order = c.nullable ? fmt::format("({0}) IS NULL, ({0}) {1}, seq {1}", c.expr, dir)
                                   : fmt::format("({0}) {1}, seq {1}", c.expr, dir);
    params.integer(limit);
    std::string sql = fmt::format(
        "SELECT {}, ({})::text AS cs_sort_value FROM {} WHERE {} {} ORDER BY {} LIMIT ${}::int",
        view_columns(), c.expr, kFrom, filter_where(), keyset, order, params.size());
    return conn.query("listing exceptions", sql, params);
}

After after_row(const db::Result& r, int row) {
    After a;
    if (!r.is_null(row, kSortValueColumn)) {
        a.value = sql::text(r, row, kSortValueColumn);
    }
    a.seq = r.integer(row, 1);
    return a;
}

std::string cursor_of(const db::Result& r, int row, std::string_view key) {
    After a = after_row(r, row);
    return json::array({key, a.value ? json(*a.value) : json(), a.seq}).dump();
}

json nullable(const std::string& s) {
    return s.empty() ? json() : json(s);
}

}  // namespace

Expected<Page<ExceptionView>> list_exceptions(db::Connection& conn, std::string_view tenant_id,
                                              const ExceptionFilter& filter) {
    if (auto s = validate_filter(filter); !s) {
        return std::move(s).error();
    }
    auto after = parse_cursor(filter.cursor, sort_of(filter).key);
    if (!after) {
        return std::move(after).error();
    }
    int n = sql::page_size(filter.limit);
    auto r = query_page(conn, tenant_id, filter, *after, n + 1);
    if (!r) {
        return std::move(r).error();
    }
    Page<ExceptionView> page;
    for (int i = 0; i < r->rows() && i < n; ++i) {
        page.items.push_back(view_from(*r, i));
    }
    if (r->rows() > n) {
        page.next_cursor = cursor_of(*r, n - 1, sort_of(filter).key);
    }
    return page;
}

Expected<std::int64_t> count_exceptions(db::Connection& conn, std::string_view tenant_id,
                                        const ExceptionFilter& filter) {
    if (auto s = validate_filter(filter); !s) {
        return std::move(s).error();
    }
    auto r =
        conn.query("counting exceptions",
                   fmt::format("SELECT count(*) FROM recon_exceptions WHERE {}", filter_where()),
                   filter_params(tenant_id, filter));
    if (!r) {
        return std::move(r).error();
    }
    return r->integer(0, 0);
}

Expected<ExceptionView> get_exception(db::Connection& conn, std::string_view tenant_id,
                                      std::string_view exception_id) {
    auto id = canonical_uuid(exception_id, "exception id");
    if (!id) {
        return std::move(id).error();
    }
    auto r = conn.query("reading an exception",
                        fmt::format("SELECT {} FROM {} WHERE tenant_id = $1::uuid AND "
                                    "exception_id = $2::uuid",
                                    view_columns(), kFrom),
                        db::Params().text(tenant_id).text(*id));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "exception {} not found", *id);
    }
    return view_from(*r, 0);
}

Expected<ExceptionSummary> exception_summary(db::Connection& conn, std::string_view tenant_id) {
    ExceptionSummary out;
    for (auto status :
         {ExceptionStatus::open, ExceptionStatus::resolved, ExceptionStatus::overridden}) {
        out.by_status[std::string(to_string(status))] = 0;
    }
    for (Rule rule : kAllRules) {
        out.by_rule[std::string(to_string(rule))] = 0;
    }
    for (auto severity : {Severity::low, Severity::medium, Severity::high}) {
        out.by_severity[std::string(to_string(severity))] = 0;
    }
    auto r = conn.query("counting exceptions", R"sql(
        SELECT status, rule, severity, count(*) FROM recon_exceptions
        WHERE tenant_id = $1::uuid GROUP BY status, rule, severity)sql",
                        db::Params().text(tenant_id));
    if (!r) {
        return std::move(r).error();
    }
    for (int i = 0; i < r->rows(); ++i) {
        std::int64_t n = r->integer(i, 3);
        std::string status = sql::text(*r, i, 0);
        out.by_status[status] += n;
        if (status == "open") {
            out.by_rule[sql::text(*r, i, 1)] += n;
            out.by_severity[sql::text(*r, i, 2)] += n;
        }
    }
    return out;
}

json to_json(const ExceptionSummary& s) {
    return {{"by_status", s.by_status}, {"by_rule", s.by_rule}, {"by_severity", s.by_severity}};
}

Expected<std::vector<ExceptionEvent>> exception_events(db::Connection& conn,
                                                       std::string_view tenant_id,
                                                       std::string_view exception_id) {
    auto id = canonical_uuid(exception_id, "exception id");
    if (!id) {
        return std::move(id).error();
    }
    auto r = conn.query("reading exception events",
                        "SELECT event_id, kind, coalesce(actor_id::text, ''), "
                        "coalesce(run_id::text, ''), coalesce(note, ''), coalesce(details::text, "
                        "'null'), " +
                            sql::iso("at") +
                            " FROM recon_exception_events WHERE tenant_id = $1::uuid AND "
                            "exception_id = $2::uuid ORDER BY event_id",
                        db::Params().text(tenant_id).text(*id));
    if (!r) {
        return std::move(r).error();
    }
    std::vector<ExceptionEvent> out;
    for (int i = 0; i < r->rows(); ++i) {
        auto details = db::parse_exact(r->text(i, 5), "reading an exception's history");
        out.push_back(ExceptionEvent{r->integer(i, 0), sql::text(*r, i, 1), sql::text(*r, i, 2),
                                     sql::text(*r, i, 3), sql::text(*r, i, 4),
                                     details ? std::move(*details) : json(nullptr),
                                     sql::text(*r, i, 6)});
    }
    return out;
}

Status export_exceptions_csv(db::Connection& conn, std::string_view tenant_id,
                             const ExceptionFilter& filter,
                             const std::function<Status(std::string_view)>& sink,
                             std::size_t max_rows) {
    if (auto s = validate_filter(filter); !s) {
        return s;
    }
    std::string chunk =
        "number,exception_id,rule,severity,status,vendor_id,contract_no,vendor_item,vendor_uom,"
        "supplier_id,p21_item_id,message,suggested_action,details,assignee,first_seen_at,"
        "last_seen_at,resolved_at,resolution_kind,resolution,override_until,override_reason\r\n";
    std::optional<After> after;
    std::size_t written = 0;
    constexpr int kBatch = 500;
    while (true) {
        auto r = query_page(conn, tenant_id, filter, after, kBatch);
        if (!r) {
            return std::move(r).error();
        }
        for (int i = 0; i < r->rows(); ++i) {
            if (++written > max_rows) {
                return make_error(ErrorCode::limit_exceeded,
                                  "the export would have more than {} rows; narrow the filter",
                                  max_rows);
            }
            ExceptionView v = view_from(*r, i);
            std::string details = db::dump_exact(v.details);
            std::string number = std::to_string(v.number);
            const std::string* cells[] = {&number,
                                          &v.exception_id,
                                          &v.rule,
                                          &v.severity,
                                          &v.status,
                                          &v.vendor_id,
                                          &v.contract_no,
                                          &v.vendor_item,
                                          &v.vendor_uom,
                                          &v.supplier_id,
                                          &v.p21_item_id,
                                          &v.message,
                                          &v.suggested_action,
                                          &details,
                                          &v.assignee,
                                          &v.first_seen_at,
                                          &v.last_seen_at,
                                          &v.resolved_at,
                                          &v.resolution_kind,
                                          &v.resolution,
                                          &v.override_until,
                                          &v.override_reason};
            bool first = true;
            for (const std::string* cell : cells) {
                chunk += first ? "" : ",";
                csv::append_cell(chunk, *cell);
                first = false;
            }
            chunk += "\r\n";
        }
        if (auto s = sink(chunk); !s) {
            return s;
        }
        chunk.clear();
        if (r->rows() < kBatch) {
            return ok();
        }
        after = after_row(*r, r->rows() - 1);
    }
}

json to_json(const ExceptionView& v) {
    return {{"exception_id", v.exception_id},
            {"number", v.number},
            {"rule", v.rule},
            {"severity", v.severity},
            {"status", v.status},
            {"vendor_id", v.vendor_id},
            {"vendor_name", nullable(v.vendor_name)},
            {"contract_no", v.contract_no},
            {"vendor_item", v.vendor_item},
            {"vendor_uom", v.vendor_uom},
            {"supplier_id", nullable(v.supplier_id)},
            {"p21_site_id", nullable(v.p21_site_id)},
            {"p21_item_id", nullable(v.p21_item_id)},
            {"message", v.message},
            {"suggested_action", v.suggested_action},
            {"details", v.details},
            {"assignee", nullable(v.assignee)},
            {"first_run_id", v.first_run_id},
            {"last_run_id", v.last_run_id},
            {"first_seen_at", v.first_seen_at},
            {"last_seen_at", v.last_seen_at},
            {"resolved_at", nullable(v.resolved_at)},
            {"resolved_by", nullable(v.resolved_by)},
            {"resolution_kind", nullable(v.resolution_kind)},
            {"resolution", nullable(v.resolution)},
            {"override_until", nullable(v.override_until)},
            {"override_reason", nullable(v.override_reason)},
            {"overridden_by", nullable(v.overridden_by)},
            {"overridden_at", nullable(v.overridden_at)},
            {"updated_at", v.updated_at}};
}

json to_json(const ExceptionEvent& e) {
    return {{"event_id", e.event_id},
            {"kind", e.kind},
            {"actor_id", nullable(e.actor_id)},
            {"run_id", nullable(e.run_id)},
            {"note", nullable(e.note)},
            {"details", e.details},
            {"at", e.at}};
}

}  // namespace cs::relay::recon