#include "relay/api/http/query.hpp"

#include <charconv>

namespace cs::relay::api {
namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

Expected<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
            int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return make_error(ErrorCode::invalid_argument,
                                  "malformed percent escape at position {}", i);
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

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
        auto name = percent_decode(part.substr(0, eq), true);
        if (!name) {
            return std::move(name).error().wrap("query parameter name");
        }
        auto value = percent_decode(
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
