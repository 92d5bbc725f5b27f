#include "tests/tools/p21sim/page.hpp"

#include <limits>

#include <fmt/format.h>

#include "common/text/json_string.hpp"

namespace cs::p21sim {

std::string next_link_query(const Target& target, std::optional<std::uint64_t> remaining_top,
                            const std::string& skiptoken) {
    std::string query;
    for (const QueryParam& p : target.params) {
        if (p.name == "$skip" || p.name == "$top" || p.name == "$skiptoken") {
            continue;
        }
        query += p.encoded_name;
        query += '=';
        query += p.encoded_value;
        query += '&';
    }
    if (remaining_top) {
        query += fmt::format("$top={}&", *remaining_top);
    }
    query += "$skiptoken=";
    query += encode_query_value(skiptoken);
    return query;
}

HttpResponse serve_page(QueryEngine& engine, const PageRequest& request) {
    const QueryOptions& options = request.options;
    constexpr auto kAll = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t offset = options.skiptoken.value_or(options.skip.value_or(0));
    std::uint64_t limit = options.top.value_or(kAll);
    if (request.server_paging) {
        limit = std::min(limit, request.page_size);
    } else if (request.max_top != 0) {
        limit = std::min(limit, request.max_top);
    }
    // One more row than allowed tells "too many" apart from "exactly the limit".
    std::uint64_t probe =
        request.max_response_rows == 0 ? limit : std::min(limit, request.max_response_rows + 1);
    Page page = engine.run(request.dataset, options, offset, probe);
    if (request.max_response_rows != 0 && page.rows.size() > request.max_response_rows) {
        HttpResponse r;
        r.status = 500;
        r.body = error_body(
            500, fmt::format("The query would return more than {} rows in one response; use "
                             "$top and $skip (p21sim --max-response-rows)",
                             request.max_response_rows));
        return r;
    }

    HttpResponse response;
    response.content_type = std::string(kODataJson);
    response.headers.emplace_back("OData-Version", "4.0");
    std::string& body = response.body;
    if (request.body_buffer != nullptr) {
        body = std::move(*request.body_buffer);
        body.clear();
    }
    // About 24 bytes per cell: growing the body by copying costs more than the slack.
    body.reserve(256 + page.rows.size() * (2 + 24 * request.options.select.size()));
    body += R"({"@odata.context":)";
    text::append_json_string(body, request.context_url);
    if (options.count) {
        body += fmt::format(R"(,"@odata.count":{})", page.total);
    }
    body += R"(,"value":[)";
    Value scratch;
    for (std::size_t i = 0; i < page.rows.size(); ++i) {
        if (i != 0) {
            body.push_back(',');
        }
        append_row(body, request.dataset, page.rows[i], options.select, request.style, scratch);
    }
    body.push_back(']');
    std::uint64_t next = offset + page.rows.size();
    bool top_left = !options.top || *options.top > page.rows.size();
    if (request.server_paging && next < page.total && top_left && !page.rows.empty()) {
        std::optional<std::uint64_t> remaining;
        if (options.top) {
            remaining = *options.top - page.rows.size();
        }
        body += R"(,"@odata.nextLink":)";
        text::append_json_string(body,
                                 request.link_prefix + "?" +
                                     next_link_query(request.target, remaining,
                                                     format_skiptoken(next, request.surface)));
    }
    body.push_back('}');
    response.rows = page.rows.size();
    return response;
}

}  // namespace cs::p21sim
