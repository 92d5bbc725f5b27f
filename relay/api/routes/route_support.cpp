#include "relay/api/routes/route_support.hpp"

namespace cs::relay::api::routes {

Expected<std::optional<std::string>> string_field(const nlohmann::json& body, std::string_view name,
                                                  bool required, std::size_t max_bytes) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required) {
            return make_error(ErrorCode::invalid_argument, "'{}' is required", name);
        }
        return std::optional<std::string>();
    }
    if (!it->is_string()) {
        return make_error(ErrorCode::invalid_argument, "'{}' must be a string", name);
    }
    auto value = it->get<std::string>();
    if (required && value.empty()) {
        return make_error(ErrorCode::invalid_argument, "'{}' must not be empty", name);
    }
    if (value.size() > max_bytes) {
        return make_error(ErrorCode::invalid_argument, "'{}' is longer than {} bytes", name,
                          max_bytes);
    }
    return std::optional<std::string>(std::move(value));
}

Expected<std::string> uuid_param(const RequestContext& ctx, std::string_view name) {
    const auto& value = ctx.param(name);
    if (!is_uuid(value)) {
        return make_error(ErrorCode::invalid_argument, "{} '{}' is not a UUID", name,
                          value.substr(0, 64));
    }
    return value;
}

Status only_fields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : body.items()) {
        bool known = false;
        for (auto a : allowed) {
            known = known || key == a;
        }
        if (!known) {
            return make_error(ErrorCode::invalid_argument, "unknown field '{}'", key);
        }
    }
    return ok();
}

std::string filter(const RequestContext& ctx, std::string_view name) {
    return ctx.query.get(name).value_or("");
}

Reply page_reply(Expected<std::vector<nlohmann::json>> rows, const PageRequest& page,
                 std::initializer_list<const char*> sort_key) {
    return page_reply(std::move(rows), page, [sort_key](const nlohmann::json& item) {
        auto key = nlohmann::json::array();
        for (const char* member : sort_key) {
            key.push_back(item[member]);
        }
        return key;
    });
}

std::string cursor_part(const PageRequest& page, std::size_t index) {
    if (!page.after || index >= page.after->size()) {
        return {};
    }
    const auto& v = (*page.after)[index];
    return v.is_string() ? v.get<std::string>() : dump_json(v);
}

}  // namespace cs::relay::api::routes
