#include "relay/api/http/query.hpp"

#include <charconv>

#include "common/text/percent.hpp"

namespace cs::relay::api {
Expected<Query> Query::parse(std::string_view query) {
    constexpr std::size_t kMaxFields = 64;
    Query q;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (part.empty()) {
            continue;
        }
        if (q.values_.size() == kMaxFields) {
            return make_error(ErrorCode::limit_exceeded, "more than {} query parameters",
                              kMaxFields);
        }
        auto eq = part.find('=');
        auto name = text::percent_decode(part.substr(0, eq), true);
        if (!name) {
            return std::move(name).error().wrap("query parameter name");
        }
        auto value = text::percent_decode(
            eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), true);
        if (!value) {
            return std::move(value).error().wrap(fmt::format("query parameter '{}'", *name));
        }
        if (!q.values_.emplace(*name, *value).second) {
            return make_error(ErrorCode::invalid_argument, "query parameter '{}' is repeated",
                              *name);
        }
    }
    return q;
}

std::optional<std::string> Query::get(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end()) {
        return std::nullopt;
    }
    return it->second;
}

Expected<std::int64_t> Query::integer(std::string_view name, std::int64_t fallback,
                                      std::int64_t min, std::int64_t max) const {
    auto it = values_.find(name);
    if (it == values_.end()) {
        return fallback;
    }
    std::int64_t v = 0;
    const auto& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
        return make_error(ErrorCode::invalid_argument,
                          "query parameter '{}' must be an integer from {} to {}, not '{}'", name,
                          min, max, text);
    }
    return v;
}

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        auto part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') {
            part.remove_prefix(1);
        }
        auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) {
            return std::string(part.substr(eq + 1));
        }
    }
    return {};
}

}  // namespace cs::relay::api
