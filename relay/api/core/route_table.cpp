#include "relay/api/core/route_table.hpp"

namespace cs::relay::api {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    return out;
}

bool match(std::string_view pattern, std::string_view path,
           std::map<std::string, std::string, std::less<>>& params) {
    auto p = segments(pattern);
    auto s = segments(path);
    if (p.size() != s.size()) {
        return false;
    }
    params.clear();
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i].size() > 2 && p[i].front() == '{' && p[i].back() == '}') {
            params.emplace(std::string(p[i].substr(1, p[i].size() - 2)), std::string(s[i]));
        } else if (p[i] != s[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

Route& RouteTable::add(Route route) {
    if (route.scope == 0) {
        route.scope = default_scope(route.method, route.path);
    }
    return routes_.emplace_back(std::move(route));
}

RouteTable::Match RouteTable::find(std::string_view method, std::string_view path) const {
    Match m;
    std::map<std::string, std::string, std::less<>> params;
    for (const auto& route : routes_) {
        if (!match(route.path, path, params)) {
            continue;
        }
        if (route.method == method || (method == "HEAD" && route.method == "GET")) {
            // Literal segments beat captures: /fleet/summary over /fleet/{id}.
            if (m.route == nullptr || params.size() < m.params.size()) {
                m.route = &route;
                m.params = params;
            }
            continue;
        }
        m.status = 405;
    }
    if (m.route != nullptr) {
        m.status = 200;
    }
    return m;
}

}  // namespace cs::relay::api
