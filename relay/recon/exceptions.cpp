#include "relay/recon/exceptions.hpp"

#include <fmt/format.h>

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
           ", severity_rank, number";
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
    return v;
}
constexpr int kRankColumn = 29;

// The filter as parameters $2..$6 ('' = any): status, rule, severity rank,
// vendor, assignee ('none' = unassigned).
db::Params filter_params(std::string_view tenant_id, const ExceptionFilter& f) {
    db::Params p;
    p.text(tenant_id)
        .text(f.status ? to_string(*f.status) : "")
        .text(f.rule ? to_string(*f.rule) : "")
        .text(f.severity ? std::to_string(static_cast<int>(*f.severity)) : "")
        .text(f.vendor_id.value_or(""))
        .text(f.assignee.value_or(""));
    return p;
}

constexpr std::string_view kFilterWhere = R"sql(
    tenant_id = $1::uuid
    AND ($2 = '' OR status = $2)
    AND ($3 = '' OR rule = $3)
    AND ($4 = '' OR severity_rank = nullif($4, '')::smallint)
    AND ($5 = '' OR vendor_id = upper($5))
    AND ($6 = '' OR ($6 = 'none' AND assignee IS NULL)
         OR ($6 <> 'none' AND assignee = nullif(nullif($6, ''), 'none')::uuid)))sql";

Status validate_filter(const ExceptionFilter& f) {
    if (f.assignee && *f.assignee != "none" && *f.assignee != "") {
        if (auto id = canonical_uuid(*f.assignee, "assignee"); !id) {
            return std::move(id).error();
        }
    }
    return ok();
}

// One page in the filter's order after `after` (rank, seq); `limit` rows.
Expected<db::Result> query_page(db::Connection& conn, std::string_view tenant_id,
                                const ExceptionFilter& f,
                                std::optional<std::pair<std::int64_t, std::int64_t>> after,
                                int limit) {
    auto params = filter_params(tenant_id, f);
    std::string keyset;
    std::string order;
    if (f.order == ExceptionOrder::severity) {
        order = "severity_rank DESC, seq DESC";
        if (after) {
            keyset = "AND (severity_rank, seq) < ($7::smallint, $8::bigint)";
            params.integer(after->first).integer(after->second);
        }
    } else {
        order = "seq DESC";
        if (after) {
            keyset = "AND seq < $7::bigint";
            params.integer(after->second);
        }
    }
    params.integer(limit);
    std::string sql =
        fmt::format("SELECT {} FROM recon_exceptions WHERE {} {} ORDER BY {} LIMIT ${}::int",
                    view_columns(), kFilterWhere, keyset, order, params.size());
    return conn.query("listing exceptions", sql, params);
}

std::string cursor_of(const db::Result& r, int row) {
    return fmt::format("{}.{}", r.integer(row, kRankColumn), r.integer(row, 1));
}

json nullable(const std::string& s) {
    return s.empty() ? json() : json(s);
}

// The workflow fields an action may change, for the audit log.
json workflow_state(const ExceptionView& v) {
    return {{"status", v.status},
            {"assignee", nullable(v.assignee)},
            {"resolution_kind", nullable(v.resolution_kind)},
            {"resolution", nullable(v.resolution)},
            {"override_until", nullable(v.override_until)},
            {"override_reason", nullable(v.override_reason)}};
}

Expected<ExceptionView> lock_exception(db::Connection& conn, std::string_view tenant_id,
                                       const std::string& id) {
    auto r = conn.query("reading an exception",
                        "SELECT " + view_columns() +
                            " FROM recon_exceptions WHERE tenant_id = $1::uuid AND exception_id = "
                            "$2::uuid FOR UPDATE",
                        db::Params().text(tenant_id).text(id));
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() == 0) {
        return make_error(ErrorCode::not_found, "exception {} not found", id);
    }
    return view_from(*r, 0);
}

Status check_text(const ExceptionAction& a) {
    std::size_t max = a.kind == ActionKind::comment ? kMaxCommentBytes : kMaxReasonBytes;
    bool required = a.kind != ActionKind::assign && a.kind != ActionKind::reopen;
    if (required && a.text.find_first_not_of(" \t\r\n") == std::string::npos) {
        return make_error(ErrorCode::invalid_argument, "{}: {} is required", to_string(a.kind),
                          a.kind == ActionKind::comment ? "the comment text" : "a reason");
    }
    if (a.text.size() > max) {
        return make_error(ErrorCode::invalid_argument, "{}: text longer than {} bytes",
                          to_string(a.kind), max);
    }
    if (a.text.find('\0') != std::string::npos) {
        return make_error(ErrorCode::invalid_argument, "{}: text contains a NUL character",
                          to_string(a.kind));
    }
    return ok();
}

Status check_assignee(db::Connection& conn, std::string_view tenant_id, const std::string& user) {
    auto r = conn.query("checking the assignee",
                        "SELECT EXISTS (SELECT 1 FROM users WHERE user_id = $2::uuid AND "
                        "tenant_id = $1::uuid AND disabled_at IS NULL)",
                        db::Params().text(tenant_id).text(user));
    if (!r) {
        return std::move(r).error();
    }
    if (!r->boolean(0, 0)) {
        return make_error(ErrorCode::invalid_argument,
                          "assignee {} is not an active user of this tenant", user);
    }
    return ok();
}

Status add_event(db::Connection& conn, std::string_view tenant_id, const std::string& id,
                 std::string_view kind, const Actor& actor, std::string_view note,
                 const json& details) {
    auto r = conn.query("recording an exception event", R"sql(
        INSERT INTO recon_exception_events (tenant_id, exception_id, kind, actor_id, note, details)
        VALUES ($1::uuid, $2::uuid, $3, nullif($4, '')::uuid, nullif($5, ''), $6::jsonb))sql",
                        db::Params()
                            .text(tenant_id)
                            .text(id)
                            .text(kind)
                            .text(actor.user_id)
                            .text(note)
                            .text(db::dump_exact(details)));
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

// One action inside the caller's unit of work.
Expected<AuditRecord> act(db::Connection& conn, std::string_view tenant_id, const std::string& id,
                          const Actor& actor, const ExceptionAction& a) {
    auto before = lock_exception(conn, tenant_id, id);
    if (!before) {
        return std::move(before).error();
    }
    const std::string& status = before->status;
    auto refuse = [&](std::string_view allowed) {
        return make_error(ErrorCode::conflict, "exception {} is {}; only {} exceptions can be {}",
                          id, status, allowed,
                          a.kind == ActionKind::resolve             ? "resolved"
                          : a.kind == ActionKind::override_variance ? "overridden"
                                                                    : "reopened");
    };
    // $1 tenant, $2 exception, then what each change needs.
    db::Params params;
    params.text(tenant_id).text(id);
    std::string update;
    std::string event_kind;
    json event_details;
    switch (a.kind) {
        case ActionKind::comment:
            event_kind = "comment";
            break;
        case ActionKind::assign:
            if (a.assignee) {
                if (auto s = check_assignee(conn, tenant_id, *a.assignee); !s) {
                    return std::move(s).error();
                }
            }
            update = "assignee = nullif($3, '')::uuid";
            params.text(a.assignee.value_or(""));
            event_kind = "assigned";
            event_details = {{"from", nullable(before->assignee)},
                             {"to", a.assignee ? json(*a.assignee) : json()}};
            break;
        case ActionKind::resolve:
            if (status != "open" && status != "overridden") {
                return refuse("open or overridden");
            }
            update =
                "status = 'resolved', resolution_kind = 'manual', resolution = $4, resolved_at = "
                "now(), resolved_by = nullif($3, '')::uuid, override_until = NULL, "
                "override_fingerprint = NULL, override_reason = NULL, overridden_by = NULL, "
                "overridden_at = NULL";
            params.text(actor.user_id).text(a.text);
            event_kind = "resolved";
            break;
        case ActionKind::override_variance: {
            if (status != "open" && status != "overridden") {
                return refuse("open or overridden");
            }
            if (!a.until) {
                return make_error(ErrorCode::invalid_argument,
                                  "override: 'until' (the last day the variance is accepted) is "
                                  "required");
            }
            auto today = conn.query("reading the date", "SELECT (now() AT TIME ZONE 'UTC')::date");
            if (!today) {
                return std::move(today).error();
            }
            if (a.until->to_iso() < today->text(0, 0)) {
                return make_error(ErrorCode::invalid_argument,
                                  "override: 'until' {} is in the past (today is {})",
                                  a.until->to_iso(), today->text(0, 0));
            }
            update =
                "status = 'overridden', override_until = $4::date, override_fingerprint = "
                "fingerprint, override_reason = $5, overridden_by = nullif($3, '')::uuid, "
                "overridden_at = now()";
            params.text(actor.user_id).text(a.until->to_iso()).text(a.text);
            event_kind = "overridden";
            event_details = {{"until", a.until->to_iso()}, {"details", before->details}};
            break;
        }
        case ActionKind::reopen:
            if (status != "resolved" && status != "overridden") {
                return refuse("resolved or overridden");
            }
            update =
                "status = 'open', resolution_kind = NULL, resolution = NULL, resolved_at = NULL, "
                "resolved_by = NULL, override_until = NULL, override_fingerprint = NULL, "
                "override_reason = NULL, overridden_by = NULL, overridden_at = NULL";
            event_kind = "manual_reopen";
            break;
    }
    if (!update.empty()) {
        auto r = conn.query("updating an exception",
                            "UPDATE recon_exceptions SET " + update +
                                ", updated_at = now() WHERE tenant_id = $1::uuid AND "
                                "exception_id = $2::uuid",
                            params);
        if (!r) {
            return std::move(r).error();
        }
    }
    if (auto s = add_event(conn, tenant_id, id, event_kind, actor, a.text, event_details); !s) {
        return std::move(s).error();
    }
    AuditRecord audit;
    audit.action = fmt::format("recon.exception.{}", to_string(a.kind));
    audit.entity_type = "recon_exception";
    audit.entity_id = id;
    if (a.kind == ActionKind::comment) {
        audit.after = {{"comment", a.text}};
        return audit;
    }
    auto after = lock_exception(conn, tenant_id, id);
    if (!after) {
        return std::move(after).error();
    }
    audit.before = workflow_state(*before);
    audit.after = workflow_state(*after);
    return audit;
}

std::string csv_cell(std::string_view value) {
    std::string cell(value);
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@')) {
        cell.insert(cell.begin(), '\'');  // a spreadsheet must not run it as a formula
    }
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
        return cell;
    }
    std::string out = "\"";
    for (char c : cell) {
        out += c == '"' ? "\"\"" : std::string(1, c);
    }
    out += '"';
    return out;
}

}  // namespace

std::string_view to_string(ActionKind kind) {
    switch (kind) {
        case ActionKind::comment:
            return "comment";
        case ActionKind::assign:
            return "assign";
        case ActionKind::resolve:
            return "resolve";
        case ActionKind::override_variance:
            return "override";
        case ActionKind::reopen:
            return "reopen";
    }
    return "comment";
}

Expected<Page<ExceptionView>> list_exceptions(db::Connection& conn, std::string_view tenant_id,
                                              const ExceptionFilter& filter) {
    if (auto s = validate_filter(filter); !s) {
        return std::move(s).error();
    }
    auto after = sql::parse_pair_cursor(filter.cursor);
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
        page.next_cursor = cursor_of(*r, n - 1);
    }
    return page;
}

Expected<ExceptionView> get_exception(db::Connection& conn, std::string_view tenant_id,
                                      std::string_view exception_id) {
    auto id = canonical_uuid(exception_id, "exception id");
    if (!id) {
        return std::move(id).error();
    }
    auto r = conn.query("reading an exception",
                        "SELECT " + view_columns() +
                            " FROM recon_exceptions WHERE tenant_id = $1::uuid AND exception_id = "
                            "$2::uuid",
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

Expected<ExceptionAction> action_from_json(const json& body) {
    if (!body.is_object() || !body.contains("action") || !body["action"].is_string()) {
        return make_error(ErrorCode::invalid_argument,
                          "an action is an object with \"action\": comment, assign, resolve, "
                          "override or reopen");
    }
    ExceptionAction a;
    std::string kind = body["action"].get<std::string>();
    if (kind == "comment") {
        a.kind = ActionKind::comment;
    } else if (kind == "assign") {
        a.kind = ActionKind::assign;
    } else if (kind == "resolve") {
        a.kind = ActionKind::resolve;
    } else if (kind == "override") {
        a.kind = ActionKind::override_variance;
    } else if (kind == "reopen") {
        a.kind = ActionKind::reopen;
    } else {
        return make_error(ErrorCode::invalid_argument,
                          "action: unknown '{}' (expected comment, assign, resolve, override or "
                          "reopen)",
                          kind.substr(0, 64));
    }
    for (const auto& [key, value] : body.items()) {
        if (key == "action") {
            continue;
        }
        if (key == "text" || key == "comment" || key == "reason" || key == "note") {
            if (!value.is_string()) {
                return make_error(ErrorCode::invalid_argument, "{}: expected a string", key);
            }
            a.text = value.get<std::string>();
        } else if (key == "assignee" && a.kind == ActionKind::assign) {
            if (value.is_null()) {
                a.assignee.reset();
            } else if (value.is_string()) {
                auto id = canonical_uuid(value.get<std::string>(), "assignee");
                if (!id) {
                    return std::move(id).error();
                }
                a.assignee = *id;
            } else {
                return make_error(ErrorCode::invalid_argument,
                                  "assignee: expected a user id or null");
            }
        } else if (key == "until" && a.kind == ActionKind::override_variance) {
            auto date =
                value.is_string()
                    ? Date::parse_iso(value.get<std::string>())
                    : Expected<Date>(make_error(ErrorCode::invalid_argument, "expected a string"));
            if (!date) {
                return make_error(ErrorCode::invalid_argument, "until: expected YYYY-MM-DD");
            }
            a.until = *date;
        } else {
            return make_error(ErrorCode::invalid_argument, "{}: not a field of action '{}'", key,
                              kind);
        }
    }
    if (a.kind == ActionKind::assign && !body.contains("assignee")) {
        return make_error(ErrorCode::invalid_argument,
                          "assign: 'assignee' is required (null to unassign)");
    }
    return a;
}

Expected<AuditRecord> act_on_exception(db::Connection& conn, std::string_view tenant_id,
                                       std::string_view exception_id, const Actor& actor,
                                       const ExceptionAction& action) {
    auto all = act_on_exceptions(conn, tenant_id, {std::string(exception_id)}, actor, action);
    if (!all) {
        return std::move(all).error();
    }
    return std::move(all->front());
}

Expected<std::vector<AuditRecord>> act_on_exceptions(db::Connection& conn,
                                                     std::string_view tenant_id,
                                                     const std::vector<std::string>& exception_ids,
                                                     const Actor& actor,
                                                     const ExceptionAction& action) {
    if (exception_ids.empty() || exception_ids.size() > kMaxBulkItems) {
        return make_error(ErrorCode::invalid_argument, "name 1 to {} exceptions (got {})",
                          kMaxBulkItems, exception_ids.size());
    }
    if (auto s = check_text(action); !s) {
        return std::move(s).error();
    }
    std::vector<std::string> ids;
    for (const auto& raw : exception_ids) {
        auto id = canonical_uuid(raw, "exception id");
        if (!id) {
            return std::move(id).error();
        }
        ids.push_back(*id);
    }
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    std::vector<AuditRecord> out;
    for (const auto& id : ids) {
        auto audit = act(conn, tenant_id, id, actor, action);
        if (!audit) {
            return std::move(audit).error();
        }
        out.push_back(std::move(*audit));
    }
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
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
    std::optional<std::pair<std::int64_t, std::int64_t>> after;
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
                chunk += csv_cell(*cell);
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
        after = std::pair(r->integer(r->rows() - 1, kRankColumn), r->integer(r->rows() - 1, 1));
    }
}

json to_json(const ExceptionView& v) {
    return {{"exception_id", v.exception_id},
            {"number", v.number},
            {"rule", v.rule},
            {"severity", v.severity},
            {"status", v.status},
            {"vendor_id", v.vendor_id},
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
