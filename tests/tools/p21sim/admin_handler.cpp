// /__admin: test control over the simulator (README.md lists every endpoint).
#include <fmt/format.h>

#include "tests/tools/p21sim/admin.hpp"

namespace cs::p21sim {

namespace {

using nlohmann::json;

json clock_json(const Context& context) {
    std::int64_t now = context.clock.now_ms();
    return {{"now", format_datetime(now, context.zone, DateTimeStyle::utc)},
            {"local", format_datetime(now, context.zone, DateTimeStyle::offset)},
            {"time_zone", context.zone.name()},
            {"frozen", context.clock.frozen()}};
}

HttpResponse post_clock(Context& context, const json& body) {
    for (const auto& [key, value] : body.items()) {
        if (key != "set" && key != "advance_seconds" && key != "advance_ms" && key != "frozen") {
            return error_response(400, fmt::format("clock: unknown field '{}'", key));
        }
    }
    if (body.contains("set")) {
        if (!body["set"].is_string()) {
            return error_response(400, "clock: 'set' must be a date/time string");
        }
        auto ms = parse_datetime(body["set"].get<std::string>(), context.zone);
        if (!ms) {
            return error_response(400, ms.error().wrap("clock: set").message);
        }
        context.clock.set(*ms);
    }
    for (const char* field : {"advance_seconds", "advance_ms"}) {
        if (!body.contains(field)) {
            continue;
        }
        if (!body[field].is_number_integer()) {
            return error_response(400, fmt::format("clock: '{}' must be an integer", field));
        }
        std::int64_t n = body[field].get<std::int64_t>();
        context.clock.advance(std::string_view(field) == "advance_ms" ? n : n * 1000);
    }
    if (body.contains("frozen")) {
        if (!body["frozen"].is_boolean()) {
            return error_response(400, "clock: 'frozen' must be true or false");
        }
        context.clock.set_frozen(body["frozen"].get<bool>());
    }
    return admin_json(200, clock_json(context));
}

json stats_json(const Context& context) {
    auto s = context.stats.snapshot();
    auto f = context.faults.counters();
    json statuses = json::object();
    for (const auto& [status, n] : s.statuses) {
        statuses[std::to_string(status)] = n;
    }
    return {{"tokens_issued", context.tokens.issued()},
            {"requests", s.requests},
            {"admin_requests", s.admin_requests},
            {"statuses", statuses},
            {"token_failures", s.token_failures},
            {"rows_served", s.rows_served},
            {"pages_served", s.pages_served},
            {"bytes_sent", s.bytes_sent},
            {"faults",
             {{"delayed", f.delayed},
              {"errors_500", f.errors_500},
              {"rate_limited_429", f.rate_limited_429},
              {"forced_429", f.forced_429},
              {"truncated", f.truncated},
              {"stalled", f.stalled},
              {"tokens_expired", f.tokens_expired}}},
            {"query_cache",
             {{"hits", context.engine.cache_hits()}, {"misses", context.engine.cache_misses()}}}};
}

HttpResponse post_faults(Context& context, const json& body) {
    FaultConfig faults = context.faults.config();
    if (auto status = apply_fault_fields(body, faults, context.tokens); !status) {
        return error_response(400, status.error().message);
    }
    context.faults.set(faults);
    return admin_json(200, faults_json(context));
}

void reset(Context& context) {
    {
        std::unique_lock lock(context.data_mutex);
        for (auto& table : context.tables) {
            table->reset();
        }
    }
    context.engine.clear();
    context.tokens.reset();
    context.faults.reset(context.config.faults);
    context.stats.reset();
    context.clock.reset();
}

HttpResponse need(std::string_view method) {
    HttpResponse r = error_response(405, fmt::format("use {} here", method));
    r.headers.emplace_back("Allow", std::string(method));
    return r;
}

}  // namespace

Expected<json> admin_body(const HttpRequest& request) {
    if (request.body.empty()) {
        return json::object();
    }
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return make_error(ErrorCode::parse_error, "the request body must be a JSON object");
    }
    return body;
}

HttpResponse admin_json(int status, const json& body) {
    return json_response(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse handle_admin(Context& context, const HttpRequest& request, const Target& target) {
    std::string_view path = target.path;
    bool get = request.method == "GET";
    bool post = request.method == "POST";
    auto body = admin_body(request);
    if (!body) {
        return error_response(400, body.error().message);
    }
    if (path == "/__admin/stats") {
        return get ? admin_json(200, stats_json(context)) : need("GET");
    }
    if (path == "/__admin/clock") {
        return get ? admin_json(200, clock_json(context))
                   : (post ? post_clock(context, *body) : need("GET, POST"));
    }
    if (path == "/__admin/faults") {
        return get ? admin_json(200, faults_json(context))
                   : (post ? post_faults(context, *body) : need("GET, POST"));
    }
    if (path == "/__admin/tokens/revoke") {
        if (!post) {
            return need("POST");
        }
        context.tokens.revoke_all();
        return admin_json(200, {{"revoked", true}});
    }
    if (path == "/__admin/reset") {
        if (!post) {
            return need("POST");
        }
        reset(context);
        return admin_json(200, {{"reset", true}});
    }
    constexpr std::string_view kTable = "/__admin/table/";
    if (path.substr(0, kTable.size()) == kTable) {
        return handle_admin_table(context, request, target, path.substr(kTable.size()));
    }
    return error_response(404, fmt::format("unknown admin endpoint '{}'", path));
}

}  // namespace cs::p21sim
