#include "tests/tools/p21sim/query_options.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

namespace cs::p21sim {

namespace {

constexpr std::array kUnsupportedOptions = {"$expand", "$search", "$apply",        "$compute",
                                            "$levels", "$index",  "$schemaversion"};
constexpr std::uint64_t kMaxTopSkip = 2'147'483'647;  // Int32, as OData's $top/$skip

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    while (true) {
        auto at = s.find(separator);
        parts.push_back(trim(s.substr(0, at)));
        if (at == std::string_view::npos) {
            return parts;
        }
        s = s.substr(at + 1);
    }
}

Expected<std::uint64_t> parse_count_option(std::string_view name, std::string_view text,
                                           int base = 10) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        value > kMaxTopSkip) {
        return make_error(ErrorCode::parse_error,
                          "invalid value '{}' for {}: expected a non-negative integer", text, name);
    }
    return value;
}

Error unknown_property(std::string_view option, std::string_view name, const TableSchema& schema) {
    return make_error(ErrorCode::invalid_argument,
                      "{}: could not find a property named '{}' on type '{}'", option, name,
                      schema.name);
}

Status parse_select(std::string_view text, const TableSchema& schema, QueryOptions& out) {
    out.select.clear();
    for (std::string_view name : split(text, ',')) {
        if (name == "*") {
            out.select.clear();
            out.select_given = false;
            return ok();
        }
        auto column = schema.find(name);
        if (!column) {
            return unknown_property("$select", name, schema);
        }
        if (std::find(out.select.begin(), out.select.end(), *column) == out.select.end()) {
            out.select.push_back(*column);
        }
    }
    out.select_given = true;
    return ok();
}

Status parse_orderby(std::string_view text, const TableSchema& schema, QueryOptions& out) {
    for (std::string_view item : split(text, ',')) {
        auto space = item.find(' ');
        std::string_view name = item.substr(0, space);
        std::string_view direction =
            space == std::string_view::npos ? std::string_view() : trim(item.substr(space + 1));
        if (name.empty()) {
            return make_error(ErrorCode::parse_error, "$orderby: empty sort key in '{}'", text);
        }
        if (!direction.empty() && direction != "asc" && direction != "desc") {
            return make_error(ErrorCode::parse_error,
                              "$orderby: expected 'asc' or 'desc' after '{}', found '{}'", name,
                              direction);
        }
        auto column = schema.find(name);
        if (!column) {
            return unknown_property("$orderby", name, schema);
        }
        out.orderby.push_back({*column, direction == "desc"});
        if (!out.orderby_text.empty()) {
            out.orderby_text += ',';
        }
        out.orderby_text += fmt::format("{} {}", name, direction == "desc" ? "desc" : "asc");
    }
    return ok();
}

Status parse_one(const QueryParam& param, const TableSchema& schema, const TimeZone& zone,
                 Surface surface, QueryOptions& out) {
    const std::string& name = param.name;
    const std::string& value = param.value;
    if (name == "$filter") {
        auto filter = parse_filter(value, schema, zone);
        if (!filter) {
            return filter.error();
        }
        out.filter = std::make_shared<const Filter>(std::move(*filter));
        out.filter_text = value;
    } else if (name == "$select") {
        return parse_select(value, schema, out);
    } else if (name == "$orderby") {
        return parse_orderby(value, schema, out);
    } else if (name == "$top" || name == "$skip") {
        if (name == "$skip" && surface == Surface::generic) {
            return make_error(ErrorCode::invalid_argument,
                              "$skip is not supported by this service; follow @odata.nextLink");
        }
        auto n = parse_count_option(name, value);
        if (!n) {
            return n.error();
        }
        (name == "$top" ? out.top : out.skip) = *n;
    } else if (name == "$count") {
        if (value != "true" && value != "false") {
            return make_error(ErrorCode::parse_error,
                              "invalid value '{}' for $count: expected true or false", value);
        }
        out.count = value == "true";
    } else if (name == "$format") {
        if (value != "json" && value.rfind("application/json", 0) != 0) {
            return make_error(ErrorCode::invalid_argument, "$format '{}' is not supported", value);
        }
    } else if (name == "$skiptoken") {
        // The generic surface's tokens are opaque ("o" + hex) so clients must not
        // compute them; P21's are plain offsets.
        bool opaque = surface == Surface::generic;
        if (opaque && (value.empty() || value[0] != 'o')) {
            return make_error(ErrorCode::parse_error, "invalid $skiptoken '{}'", value);
        }
        auto n = parse_count_option(name, opaque ? std::string_view(value).substr(1) : value,
                                    opaque ? 16 : 10);
        if (!n) {
            return n.error();
        }
        out.skiptoken = *n;
    } else if (std::find(kUnsupportedOptions.begin(), kUnsupportedOptions.end(), name) !=
               kUnsupportedOptions.end()) {
        return make_error(ErrorCode::invalid_argument,
                          "the query option '{}' is not supported on '{}'", name, schema.name);
    } else if (!name.empty() && name[0] == '$') {
        return make_error(ErrorCode::invalid_argument, "the query parameter '{}' is not supported",
                          name);
    }
    return ok();  // custom (non-$) options are ignored, as OData requires
}

}  // namespace

Expected<QueryOptions> parse_query_options(const Target& target, const TableSchema& schema,
                                           const TimeZone& zone, Surface surface) {
    QueryOptions out;
    std::vector<std::string_view> seen;
    for (const QueryParam& param : target.params) {
        if (!param.name.empty() && param.name[0] == '$') {
            if (std::find(seen.begin(), seen.end(), param.name) != seen.end()) {
                return make_error(ErrorCode::parse_error,
                                  "query option '{}' was specified more than once", param.name);
            }
            seen.push_back(param.name);
        }
        if (auto status = parse_one(param, schema, zone, surface, out); !status) {
            return status.error();
        }
    }
    if (out.select.empty()) {
        for (std::size_t c = 0; c < schema.columns.size(); ++c) {
            out.select.push_back(c);
        }
    }
    return out;
}

std::string format_skiptoken(std::uint64_t offset, Surface surface) {
    return surface == Surface::generic ? fmt::format("o{:x}", offset) : std::to_string(offset);
}

int http_status(const Error& error) {
    switch (error.code) {
        case ErrorCode::parse_error:
        case ErrorCode::invalid_argument:
            return 400;
        case ErrorCode::unauthorized:
            return 401;
        case ErrorCode::not_found:
            return 404;
        default:
            return 500;
    }
}

}  // namespace cs::p21sim
