#include "agent/source/odata/odata_url.hpp"

#include <fmt/format.h>

#include "common/text/percent.hpp"

namespace cs::agent::odata {
namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(text[i]) != prefix[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string encode_query_value(std::string_view value) {
    return text::percent_encode(value);
}

std::string url_origin(std::string_view url) {
    std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return "";
    }
    std::size_t host_end = url.find_first_of("/?#", scheme_end + 3);
    std::string origin(url.substr(0, host_end == std::string_view::npos ? url.size() : host_end));
    for (char& c : origin) {
        c = lower(c);
    }
    return origin;
}

Expected<std::string> resolve_next_link(std::string_view request_url, std::string_view link) {
    if (link.empty()) {
        return make_error(ErrorCode::parse_error, "empty @odata.nextLink");
    }
    std::string base_origin = url_origin(request_url);
    if (starts_with_nocase(link, "http://") || starts_with_nocase(link, "https://")) {
        if (url_origin(link) != base_origin) {
            return make_error(ErrorCode::invalid_argument,
                              "refusing to follow @odata.nextLink to another server ({}; the "
                              "request went to {})",
                              url_origin(link), base_origin);
        }
        return std::string(link);
    }
    if (link[0] == '/') {
        return base_origin + std::string(link);
    }
    std::string_view path = request_url.substr(0, request_url.find_first_of("?#"));
    std::size_t slash = path.rfind('/');
    if (slash == std::string_view::npos || slash < base_origin.size()) {
        return base_origin + "/" + std::string(link);
    }
    return std::string(path.substr(0, slash + 1)) + std::string(link);
}

std::string with_query(std::string_view url,
                       const std::vector<std::pair<std::string, std::string>>& options) {
    std::string out(url);
    char separator = url.find('?') == std::string_view::npos ? '?' : '&';
    for (const auto& [name, value] : options) {
        out.push_back(separator);
        out += name;
        out.push_back('=');
        out += encode_query_value(value);
        separator = '&';
    }
    return out;
}

std::string quote_literal(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        out.push_back(c);
        if (c == '\'') {
            out.push_back('\'');
        }
    }
    out.push_back('\'');
    return out;
}

}  // namespace cs::agent::odata
