#include "relay/recon/exception_actions.hpp"

#include <set>

#include <fmt/format.h>

#include "relay/db/exact_json.hpp"
#include "relay/recon/atomic.hpp"

namespace cs::relay::recon {
namespace {

using json = nlohmann::json;

// An exception an action applies to, locked for the rest of the unit of work.
struct Target {
    std::string id;
    std::string status;
};

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

// What an action needs that does not depend on the exceptions: its text, the
// assignee, the override date.
Status check_action(db::Connection& conn, std::string_view tenant_id, const ExceptionAction& a) {
    if (auto s = check_text(a); !s) {
        return s;
    }
    if (a.kind == ActionKind::assign && a.assignee) {
        return check_assignee(conn, tenant_id, *a.assignee);
    }
    if (a.kind != ActionKind::override_variance) {
        return ok();
    }
    if (!a.until) {
        return make_error(ErrorCode::invalid_argument,
                          "override: 'until' (the last day the variance is accepted) is required");
    }
    auto today = conn.query("reading the date", "SELECT (now() AT TIME ZONE 'UTC')::date");
    if (!today) {
        return std::move(today).error();
    }
    if (a.until->to_iso() < today->text(0, 0)) {
        return make_error(ErrorCode::invalid_argument,
                          "override: 'until' {} is in the past (today is {})", a.until->to_iso(),
                          today->text(0, 0));
    }
    return ok();
}

std::vector<Target> targets_from(const db::Result& r) {
    std::vector<Target> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({std::string(r.text(i, 0)), std::string(r.text(i, 1))});
    }
    return out;
}

// A PostgreSQL array literal of canonical UUIDs (no quoting needed).
std::string uuid_array(const std::vector<std::string>& ids) {
    std::string out = "{";
    for (const auto& id : ids) {
        out += (out.size() > 1 ? "," : "") + id;
    }
    return out + "}";
}

Expected<std::vector<Target>> lock_ids(db::Connection& conn, std::string_view tenant_id,
                                       const std::vector<std::string>& ids) {
    auto r = conn.query("locking exceptions", R"sql(
        SELECT exception_id, status FROM recon_exceptions
        WHERE tenant_id = $1::uuid AND exception_id = ANY ($2::uuid[])
        ORDER BY seq FOR UPDATE)sql",
                        db::Params().text(tenant_id).text(uuid_array(ids)));
    if (!r) {
        return std::move(r).error();
    }
    auto targets = targets_from(*r);
    if (targets.size() < ids.size()) {
        std::set<std::string> found;
        for (const auto& t : targets) {
            found.insert(t.id);
        }
        for (const auto& id : ids) {
            if (!found.count(id)) {
                return make_error(ErrorCode::not_found, "exception {} not found", id);
            }
        }
    }
    return targets;
}

Expected<std::vector<Target>> lock_matching(db::Connection& conn, std::string_view tenant_id,
                                            const ExceptionFilter& filter,
                                            std::optional<std::int64_t> expected,
                                            std::int64_t max) {
    auto params = filter_params(tenant_id, filter);
    params.integer(max + 1);
    auto r = conn.query("locking exceptions",
                        fmt::format("SELECT exception_id, status FROM recon_exceptions WHERE {} "
                                    "ORDER BY seq LIMIT $7::bigint FOR UPDATE",
                                    filter_where()),
                        params);
    if (!r) {
        return std::move(r).error();
    }
    auto n = static_cast<std::int64_t>(r->rows());
    if (n > max) {
        auto total = conn.query(
            "counting exceptions",
            fmt::format("SELECT count(*) FROM recon_exceptions WHERE {}", filter_where()),
            filter_params(tenant_id, filter));
        if (!total) {
            return std::move(total).error();
        }
        return make_error(ErrorCode::limit_exceeded,
                          "the filter matches {} exceptions; one bulk action takes at most {}: "
                          "narrow the filter (status, rule, severity, vendor or assignee)",
                          total->integer(0, 0), max);
    }
    if (n == 0) {
        return make_error(ErrorCode::invalid_argument, "the filter matches no exceptions");
    }
    if (expected && *expected != n) {
        return make_error(ErrorCode::conflict,
                          "the filter matches {} exceptions now, not the {} expected: the list "
                          "changed; reload it and try again",
                          n, *expected);
    }
    return targets_from(*r);
}

// Refuses the whole set when the status of any exception does not allow the action.
Status check_statuses(const std::vector<Target>& targets, ActionKind kind) {
    std::string_view allowed;
    std::string_view verb;
    switch (kind) {
        case ActionKind::resolve:
            allowed = "open or overridden";
            verb = "resolved";
            break;
        case ActionKind::override_variance:
            allowed = "open or overridden";
            verb = "overridden";
            break;
        case ActionKind::reopen:
            allowed = "resolved or overridden";
            verb = "reopened";
            break;
        case ActionKind::comment:
        case ActionKind::assign:
            return ok();
    }
    auto fits = [&](const Target& t) { return allowed.find(t.status) != std::string_view::npos; };
    std::size_t refused = 0;
    const Target* first = nullptr;
    for (const auto& t : targets) {
        if (!fits(t)) {
            ++refused;
            first = first ? first : &t;
        }
    }
    if (first == nullptr) {
        return ok();
    }
    std::string more =
        refused > 1 ? fmt::format(" ({} of the {} named are not)", refused, targets.size()) : "";
    return make_error(ErrorCode::conflict, "exception {} is {}; only {} exceptions can be {}{}",
                      first->id, first->status, allowed, verb, more);
}

// The workflow fields an action may change, for the audit log.
constexpr std::string_view kStateJson = R"sql(jsonb_build_object(
    'status', e.status, 'assignee', e.assignee, 'resolution_kind', e.resolution_kind,
    'resolution', e.resolution, 'override_until', e.override_until::text,
    'override_reason', e.override_reason))sql";

// The SET list of an action and its event's details, over $1 tenant, $2 ids,
// $3 event kind, $4 actor, $5 text, $6 assignee or date. `t` is the row before.
struct Change {
    std::string set;
    std::string event_details = "NULL::jsonb";
};

Change change_for(ActionKind kind) {
    switch (kind) {
        case ActionKind::assign:
            return {"assignee = nullif($6, '')::uuid",
                    "jsonb_build_object('from', t.assignee, 'to', e.assignee)"};
        case ActionKind::resolve:
            return {
                "status = 'resolved', resolution_kind = 'manual', resolution = $5, "
                "resolved_at = now(), resolved_by = nullif($4, '')::uuid, "
                "resolved_fingerprint = t.fingerprint, resolved_details = t.details, "
                "override_until = NULL, override_fingerprint = NULL, override_reason = NULL, "
                "overridden_by = NULL, overridden_at = NULL"};
        case ActionKind::override_variance:
            return {
                "status = 'overridden', override_until = $6::date, "
                "override_fingerprint = t.fingerprint, override_reason = $5, "
                "overridden_by = nullif($4, '')::uuid, overridden_at = now()",
                "jsonb_build_object('until', $6::date, 'details', t.details)"};
        case ActionKind::reopen:
            return {
                "status = 'open', resolution_kind = NULL, resolution = NULL, "
                "resolved_at = NULL, resolved_by = NULL, resolved_fingerprint = NULL, "
                "resolved_details = NULL, override_until = NULL, "
                "override_fingerprint = NULL, override_reason = NULL, overridden_by = NULL, "
                "overridden_at = NULL"};
        case ActionKind::comment:
            break;
    }
    return {};
}

std::string_view event_kind(ActionKind kind) {
    switch (kind) {
        case ActionKind::comment:
            return "comment";
        case ActionKind::assign:
            return "assigned";
        case ActionKind::resolve:
            return "resolved";
        case ActionKind::override_variance:
            return "overridden";
        case ActionKind::reopen:
            return "manual_reopen";
    }
    return "comment";
}

// One statement for the whole set: each exception changed, an event for each,
// and the before/after of each for the audit log, in list order.
Expected<std::vector<AuditRecord>> apply(db::Connection& conn, std::string_view tenant_id,
                                         const std::vector<Target>& targets, const Actor& actor,
                                         const ExceptionAction& a) {
    std::vector<std::string> ids;
    ids.reserve(targets.size());
    for (const auto& t : targets) {
        ids.push_back(t.id);
    }
    db::Params params;
    params.text(tenant_id)
        .text(uuid_array(ids))
        .text(event_kind(a.kind))
        .text(actor.user_id)
        .text(a.text);
    if (a.kind == ActionKind::assign) {
        params.text(a.assignee.value_or(""));
    } else if (a.kind == ActionKind::override_variance) {
        params.text(a.until->to_iso());
    }
    std::string sql;
    if (a.kind == ActionKind::comment) {
        sql = R"sql(
            INSERT INTO recon_exception_events (tenant_id, exception_id, kind, actor_id, note)
            SELECT $1::uuid, id, $3, nullif($4, '')::uuid, nullif($5, '')
            FROM unnest($2::uuid[]) WITH ORDINALITY AS x (id, n) ORDER BY n
            RETURNING exception_id::text, 'null', 'null')sql";
    } else {
        Change c = change_for(a.kind);
        sql = fmt::format(R"sql(
            WITH t AS (
                SELECT e.exception_id, e.seq, e.assignee, e.fingerprint, e.details,
                       {0} AS state
                FROM recon_exceptions e
                WHERE e.tenant_id = $1::uuid AND e.exception_id = ANY ($2::uuid[])),
            upd AS (
                UPDATE recon_exceptions e SET {1}, updated_at = now()
                FROM t WHERE e.tenant_id = $1::uuid AND e.exception_id = t.exception_id
                RETURNING e.exception_id, t.seq, t.state AS before, {0} AS after,
                          {2} AS event_details),
            ev AS (
                INSERT INTO recon_exception_events (tenant_id, exception_id, kind, actor_id,
                                                    note, details)
                SELECT $1::uuid, exception_id, $3, nullif($4, '')::uuid, nullif($5, ''),
                       event_details
                FROM upd ORDER BY seq)
            SELECT exception_id::text, before::text, after::text FROM upd ORDER BY seq)sql",
                          kStateJson, c.set, c.event_details);
    }
    auto r = conn.query("acting on exceptions", sql, params);
    if (!r) {
        return std::move(r).error();
    }
    std::vector<AuditRecord> out;
    out.reserve(static_cast<std::size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) {
        AuditRecord audit;
        audit.action = fmt::format("recon.exception.{}", to_string(a.kind));
        audit.entity_type = "recon_exception";
        audit.entity_id = std::string(r->text(i, 0));
        if (a.kind == ActionKind::comment) {
            audit.after = {{"comment", a.text}};
        } else {
            audit.before = json::parse(r->text(i, 1));
            audit.after = json::parse(r->text(i, 2));
        }
        out.push_back(std::move(audit));
    }
    return out;
}

// The action on what `lock` finds, inside one unit of work.
template <typename Lock>
Expected<std::vector<AuditRecord>> act_on(db::Connection& conn, std::string_view tenant_id,
                                          const Actor& actor, const ExceptionAction& action,
                                          Lock lock) {
    auto unit = Atomic::begin(conn);
    if (!unit) {
        return std::move(unit).error();
    }
    if (auto s = check_action(conn, tenant_id, action); !s) {
        return std::move(s).error();
    }
    Expected<std::vector<Target>> targets = lock();
    if (!targets) {
        return std::move(targets).error();
    }
    if (auto s = check_statuses(*targets, action.kind); !s) {
        return std::move(s).error();
    }
    auto out = apply(conn, tenant_id, *targets, actor, action);
    if (!out) {
        return std::move(out).error();
    }
    if (auto s = unit->commit(); !s) {
        return std::move(s).error();
    }
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
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const auto& raw : exception_ids) {
        auto id = canonical_uuid(raw, "exception id");
        if (!id) {
            return std::move(id).error();
        }
        if (seen.insert(*id).second) {
            ids.push_back(*id);
        }
    }
    return act_on(conn, tenant_id, actor, action, [&] { return lock_ids(conn, tenant_id, ids); });
}

Expected<std::vector<AuditRecord>> act_on_matching(db::Connection& conn, std::string_view tenant_id,
                                                   const ExceptionFilter& filter,
                                                   std::optional<std::int64_t> expected_count,
                                                   const Actor& actor,
                                                   const ExceptionAction& action,
                                                   std::int64_t max) {
    if (auto s = validate_filter(filter); !s) {
        return std::move(s).error();
    }
    return act_on(conn, tenant_id, actor, action,
                  [&] { return lock_matching(conn, tenant_id, filter, expected_count, max); });
}

}  // namespace cs::relay::recon
