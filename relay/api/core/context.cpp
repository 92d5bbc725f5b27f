#include "relay/api/core/context.hpp"

#include "common/uuid/uuid.hpp"
#include "relay/db/exact_json.hpp"

namespace cs::relay::api {

const std::string& RequestContext::param(std::string_view name) const {
    static const std::string empty;
    auto it = params_.find(name);
    return it == params_.end() ? empty : it->second;
}

Expected<nlohmann::json> RequestContext::body() const {
    auto type = http.header("content-type");
    if (type.substr(0, 16) != "application/json") {
        return make_error(ErrorCode::invalid_argument,
                          "the request body must be JSON (Content-Type: application/json)");
    }
    auto parsed = nlohmann::json::parse(http.body, nullptr, false);
    if (parsed.is_discarded()) {
        return make_error(ErrorCode::parse_error, "the request body is not valid JSON");
    }
    if (!parsed.is_object()) {
        return make_error(ErrorCode::invalid_argument, "the request body must be a JSON object");
    }
    return parsed;
}

Expected<std::string> RequestContext::target_tenant(const nlohmann::json& body) const {
    if (tenant) {
        return *tenant;
    }
    auto it = body.find("tenant_id");
    if (it != body.end() && it->is_string() && is_uuid(it->get<std::string>())) {
        return it->get<std::string>();
    }
    return make_error(ErrorCode::invalid_argument,
                      "name the tenant: select one (X-Tenant-Id header) or give tenant_id");
}

namespace {

bool is_secret_member(std::string_view name) {
    for (std::string_view secret : {"password", "new_password", "current_password", "secret",
                                    "client_secret", "site_key", "token", "webhook_secret"}) {
        if (name == secret) {
            return true;
        }
    }
    return false;
}

bool is_url_member(std::string_view name) {
    constexpr std::string_view kSuffix = "webhook_url";
    return name.size() >= kSuffix.size() && name.substr(name.size() - kSuffix.size()) == kSuffix;
}

// scheme://host[:port], without credentials, path, query or fragment.
std::string url_origin(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return "[redacted]";
    }
    auto rest = url.substr(scheme_end + 3);
    auto authority = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority = authority.substr(at + 1);
    }
    std::string out = std::string(url.substr(0, scheme_end + 3)) + std::string(authority);
    return authority.size() == rest.size() ? out : out + "/[redacted]";
}

}  // namespace

nlohmann::json redact_for_audit(const nlohmann::json& value) {
    if (value.is_array()) {
        auto out = nlohmann::json::array();
        for (const auto& item : value) {
            out.push_back(redact_for_audit(item));
        }
        return out;
    }
    if (!value.is_object()) {
        return value;
    }
    auto out = nlohmann::json::object();
    for (const auto& [name, member] : value.items()) {
        if (is_secret_member(name) && !member.is_null()) {
            out[name] = "[redacted]";
        } else if (is_url_member(name) && member.is_string()) {
            out[name] = url_origin(member.get<std::string>());
        } else {
            out[name] = redact_for_audit(member);
        }
    }
    return out;
}

Status RequestContext::audit(std::string_view action, std::string_view entity_type,
                             std::string_view entity_id, const nlohmann::json& before,
                             const nlohmann::json& after,
                             const std::optional<std::string>& tenant_id) {
    return audit_all({AuditEntry{std::string(action), std::string(entity_type),
                                 std::string(entity_id), before, after}},
                     tenant_id);
}

Status RequestContext::audit_all(const std::vector<AuditEntry>& entries,
                                 const std::optional<std::string>& tenant_id,
                                 const std::optional<AuditActor>& actor) {
    if (entries.empty()) {
        return ok();
    }
    auto rows = nlohmann::json::array();
    for (const auto& e : entries) {
        rows.push_back({{"action", e.action},
                        {"entity_type", e.entity_type},
                        {"entity_id", e.entity_id},
                        {"before", redact_for_audit(e.before)},
                        {"after", redact_for_audit(e.after)}});
    }
    const auto* p = principal ? &*principal : nullptr;
    db::Params params;
    params.optional_text(tenant_id);
    if (actor) {
        params.optional_text(actor->user_id).text(actor->name);
    } else if (p != nullptr) {
        params.text(p->user_id).text(p->actor());
    } else {
        params.null().text("anonymous");
    }
    params.text(dump_json(rows))
        .text(http.remote_address)
        .text(std::string(http.header("user-agent").substr(0, 512)));
    auto r = db.query("writing the audit log", R"sql(
        INSERT INTO audit_log (tenant_id, actor_id, actor, action, entity_type, entity_id, before,
                               after, address, user_agent)
        SELECT $1::uuid, $2::uuid, $3, x->>'action', x->>'entity_type',
               nullif(x->>'entity_id', ''), nullif(x->'before', 'null'::jsonb),
               nullif(x->'after', 'null'::jsonb), $5, $6
        FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS a (x, n) ORDER BY n)sql",
                      params);
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

Expected<std::vector<nlohmann::json>> json_rows(db::Connection& db, std::string_view what,
                                                std::string_view sql, const db::Params& params) {
    auto r = db.query(what, sql, params);
    if (!r) {
        return std::move(r).error();
    }
    std::vector<nlohmann::json> rows;
    rows.reserve(static_cast<std::size_t>(r->rows()));
    for (int i = 0; i < r->rows(); ++i) {
        // Numbers exactly as PostgreSQL wrote them: `12.50` stays `12.50`.
        auto row = db::parse_exact(r->text(i, 0), what);
        if (!row) {
            return std::move(row).error();
        }
        rows.push_back(std::move(*row));
    }
    return rows;
}

Expected<nlohmann::json> json_row(db::Connection& db, std::string_view what, std::string_view sql,
                                  const db::Params& params, std::string_view missing) {
    auto rows = json_rows(db, what, sql, params);
    if (!rows) {
        return std::move(rows).error();
    }
    if (rows->empty()) {
        return Error{ErrorCode::not_found, std::string(missing)};
    }
    return std::move(rows->front());
}

bool is_uuid(std::string_view text) {
    return text.size() == 36 && Uuid::parse(text).has_value();
}

}  // namespace cs::relay::api
