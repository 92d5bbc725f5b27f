#include "relay/api/core/context.hpp"

#include "common/uuid/uuid.hpp"

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

Status RequestContext::audit(std::string_view action, std::string_view entity_type,
                             std::string_view entity_id, const nlohmann::json& before,
                             const nlohmann::json& after,
                             const std::optional<std::string>& tenant_id) {
    const auto* p = principal ? &*principal : nullptr;
    db::Params params;
    params.optional_text(tenant_id);
    if (p != nullptr) {
        params.text(p->user_id).text(p->actor());
    } else {
        params.null().text("anonymous");
    }
    params.text(action)
        .text(entity_type)
        .text(entity_id)
        .optional_text(before.is_null() ? std::nullopt : std::optional(dump_json(before)))
        .optional_text(after.is_null() ? std::nullopt : std::optional(dump_json(after)))
        .text(http.remote_address)
        .text(std::string(http.header("user-agent").substr(0, 512)));
    auto r = db.query("writing the audit log",
                      "INSERT INTO audit_log (tenant_id, actor_id, actor, action, entity_type, "
                      "entity_id, before, after, address, user_agent) VALUES ($1::uuid, $2::uuid, "
                      "$3, $4, $5, nullif($6, ''), $7::jsonb, $8::jsonb, $9, $10)",
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
        auto row = nlohmann::json::parse(r->text(i, 0), nullptr, false);
        if (row.is_discarded()) {
            return make_error(ErrorCode::internal, "{}: the database returned malformed JSON",
                              what);
        }
        rows.push_back(std::move(row));
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
