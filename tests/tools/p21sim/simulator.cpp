#include "tests/tools/p21sim/simulator.hpp"

#include "tests/tools/p21sim/handlers.hpp"

namespace cs::p21sim {

namespace {

constexpr std::string_view kTablePrefix = "/odataservice/odata/table/";
constexpr std::string_view kViewPrefix = "/odataservice/odata/view/";
constexpr std::string_view kDataServicesPrefix = "/api/dataservices/";
constexpr std::string_view kGenericPrefix = "/generic/v4";
constexpr std::string_view kAdminPrefix = "/__admin";

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// Routes that are not data: counted under their own path.
bool known_static_path(std::string_view path) {
    return path == "/api/security/token/v2" || path == "/api/security/token";
}

HttpResponse method_not_allowed(std::string_view allowed) {
    HttpResponse r = error_response(405, "The requested resource does not support this method.");
    r.headers.emplace_back("Allow", std::string(allowed));
    return r;
}

HttpResponse route(Context& context, const HttpRequest& request, const Target& target,
                   std::string& body_buffer) {
    const std::string& path = target.path;
    if (path == "/api/security/token/v2" || path == "/api/security/token") {
        if (request.method != "POST") {
            return method_not_allowed("POST");
        }
        return handle_token(context, request, path == "/api/security/token");
    }
    if (starts_with(path, kGenericPrefix)) {
        if (request.method != "GET") {
            return method_not_allowed("GET");
        }
        return handle_generic(context, request, target, body_buffer,
                              std::string_view(path).substr(kGenericPrefix.size()));
    }
    for (auto [prefix, api] :
         {std::pair{kTablePrefix, DataApi::table}, std::pair{kViewPrefix, DataApi::view},
          std::pair{kDataServicesPrefix, DataApi::dataservices}}) {
        // "/odataservice/odata/table" and ".../" answer the service document.
        if (starts_with(path, prefix) || path == prefix.substr(0, prefix.size() - 1)) {
            if (request.method != "GET") {
                return method_not_allowed("GET");
            }
            std::string_view name =
                path.size() > prefix.size() ? std::string_view(path).substr(prefix.size()) : "";
            return handle_data(context, request, target, api, name, body_buffer);
        }
    }
    return error_response(
        404, "No HTTP resource was found that matches the request URI '" + path + "'.");
}

std::string stats_key(std::string_view path) {
    if (known_static_path(path) || starts_with(path, kGenericPrefix) ||
        starts_with(path, kTablePrefix) || starts_with(path, kViewPrefix) ||
        starts_with(path, kDataServicesPrefix)) {
        return std::string(path);
    }
    return "(unknown)";
}

}  // namespace

Expected<std::unique_ptr<Simulator>> Simulator::create(Config config) {
    auto zone = TimeZone::locate(config.time_zone);
    if (!zone) {
        return zone.error().wrap("--tz");
    }
    if (auto status = validate_row_counts(config.rows); !status) {
        return status.error();
    }
    auto context = std::make_unique<Context>(std::move(config), std::move(*zone));
    return std::unique_ptr<Simulator>(new Simulator(std::move(context)));
}

Simulator::Simulator(std::unique_ptr<Context> context) : context_(std::move(context)) {}
Simulator::~Simulator() = default;

const Config& Simulator::config() const {
    return context_->config;
}

void Simulator::set_origin(std::string origin) {
    context_->origin = std::move(origin);
}

HttpResponse Simulator::handle(const HttpRequest& request, std::string body_buffer) {
    Context& context = *context_;
    auto target = parse_target(request.target);
    if (!target) {
        context.stats.request("(unknown)");
        HttpResponse r = error_response(400, target.error().message);
        context.stats.response(r.status, r.body.size(), 0);
        return r;
    }
    if (target->path == kAdminPrefix || starts_with(target->path, "/__admin/")) {
        context.stats.admin_request();
        return handle_admin(context, request, *target);
    }
    context.stats.request(stats_key(target->path));
    auto fault = context.faults.on_request(steady_now_ms());
    HttpResponse response;
    if (fault.status != 0) {
        response = error_response(fault.status, fault.message);
        if (fault.status == 429) {
            response.headers.emplace_back("Retry-After", std::to_string(fault.retry_after_s));
        }
    } else {
        response = route(context, request, *target, body_buffer);
    }
    response.delay_ms += fault.delay_ms;
    std::uint64_t sent = response.truncate ? response.body.size() / 2 : response.body.size();
    context.stats.response(response.status, sent, response.truncate ? 0 : response.rows);
    return response;
}

}  // namespace cs::p21sim
