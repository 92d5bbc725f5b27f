#include "relay/server/http_types.hpp"

#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cs::relay::server {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
        auto y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] + 32) : b[i];
        if (x != y) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) {
            return v;
        }
    }
    return {};
}

HttpResponse HttpResponse::json(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

HttpResponse HttpResponse::error(int status, std::string_view message) {
    nlohmann::json body = {{"error", message}};
    return json(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

HttpResponse HttpResponse::text(int status, std::string body, std::string content_type) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

std::string format_bytes(std::uint64_t bytes) {
    constexpr std::array<std::string_view, 3> kUnits = {"KiB", "MiB", "GiB"};
    if (bytes < 1024) {
        return fmt::format("{} bytes", bytes);
    }
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    for (value /= 1024; value >= 1024 && unit + 1 < kUnits.size(); value /= 1024) {
        ++unit;
    }
    // Whole numbers print whole ("64 MiB"), others with one decimal.
    if (value == static_cast<double>(static_cast<std::uint64_t>(value))) {
        return fmt::format("{} {}", static_cast<std::uint64_t>(value), kUnits[unit]);
    }
    return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

HttpResponse body_too_large(std::string_view what, std::optional<std::uint64_t> size,
                            std::uint64_t limit, std::string_view setting) {
    auto message = size ? fmt::format("the {} is {} bytes; the limit is {} ({})", what, *size,
                                      format_bytes(limit), setting)
                        : fmt::format("the {} is more than {} bytes; the limit is {} ({})", what,
                                      limit, format_bytes(limit), setting);
    return HttpResponse::error(413, message);
}

std::pair<std::string, std::string> split_target(std::string_view target) {
    auto q = target.find('?');
    if (q == std::string_view::npos) {
        return {std::string(target), {}};
    }
    return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

}  // namespace cs::relay::server
