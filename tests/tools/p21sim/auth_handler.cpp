// Token endpoints, shaped like P21's /api/security/token/v2 and legacy /api/security/token.
#include <nlohmann/json.hpp>

#include "tests/tools/p21sim/handlers.hpp"

namespace cs::p21sim {

namespace {

using nlohmann::json;

std::string string_field(const json& body, const char* name) {
    auto it = body.find(name);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

HttpResponse user_token(const IssuedToken& token) {
    json body = {{"AccessToken", token.access_token},
                 {"RefreshToken", token.refresh_token},
                 {"ExpiresInSeconds", token.expires_in},
                 {"TokenType", "Bearer"},
                 {"UserName", token.user}};
    return json_response(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse consumer_token(const IssuedToken& token) {
    json body = {{"AccessToken", token.access_token},
                 {"TokenType", "Bearer"},
                 {"ExpiresIn", token.expires_in},
                 {"Scope", "odata dataservices"},
                 {"UserName", token.user}};
    return json_response(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse refused(Context& context, const Error& error) {
    context.stats.token_failure("bad_credentials");
    return error_response(401, error.message);
}

}  // namespace

HttpResponse handle_token(Context& context, const HttpRequest& request, bool legacy) {
    std::int64_t now = context.clock.now_ms();
    if (legacy) {
        auto issued = context.tokens.issue_for_user(request.header("username"),
                                                    request.header("password"), now);
        return issued ? user_token(*issued) : refused(context, issued.error());
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return error_response(400, "The request body must be a JSON object.");
    }
    std::string grant = string_field(body, "GrantType");
    if (grant == "refresh_token") {
        auto issued = context.tokens.refresh(string_field(body, "RefreshToken"), now);
        return issued ? user_token(*issued) : refused(context, issued.error());
    }
    if (grant == "client_credentials" || body.contains("ClientSecret")) {
        auto issued = context.tokens.issue_for_consumer(string_field(body, "ClientSecret"),
                                                        string_field(body, "username"), now);
        return issued ? consumer_token(*issued) : refused(context, issued.error());
    }
    if (!grant.empty() && grant != "password") {
        return error_response(400, "Unsupported GrantType '" + grant + "'.");
    }
    if (!body.contains("username") || !body.contains("password")) {
        return error_response(400, "username and password are required.");
    }
    auto issued = context.tokens.issue_for_user(string_field(body, "username"),
                                                string_field(body, "password"), now);
    return issued ? user_token(*issued) : refused(context, issued.error());
}

}  // namespace cs::p21sim
