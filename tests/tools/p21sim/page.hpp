#pragma once

#include <cstdint>
#include <string>

#include "tests/tools/p21sim/http_types.hpp"
#include "tests/tools/p21sim/json_out.hpp"
#include "tests/tools/p21sim/query_engine.hpp"

namespace cs::p21sim {

// One collection request, resolved: what to query and how to page it.
struct PageRequest {
    const Dataset& dataset;
    const QueryOptions& options;
    const Target& target;
    Surface surface = Surface::p21;
    std::string context_url;  // @odata.context
    bool server_paging = false;
    std::uint64_t page_size = 1000;       // server paging: rows per page
    std::uint64_t max_top = 0;            // client paging: cap on $top (0: none)
    std::string link_prefix;              // @odata.nextLink = link_prefix + "?" + query
    std::uint64_t max_response_rows = 0;  // more rows than this: 500
    JsonStyle style;
    std::string* body_buffer = nullptr;  // capacity the body may take over
};

// Runs the query and writes the OData body:
// {"@odata.context", "@odata.count"?, "value": [...], "@odata.nextLink"?}.
// The caller holds the data lock for reading.
HttpResponse serve_page(QueryEngine& engine, const PageRequest& request);

// The query of a next link: the request's parameters as sent, without $skip,
// $top and $skiptoken, then the remaining $top (if any) and the new $skiptoken.
std::string next_link_query(const Target& target, std::optional<std::uint64_t> remaining_top,
                            const std::string& skiptoken);

}  // namespace cs::p21sim
