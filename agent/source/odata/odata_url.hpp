#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::agent::odata {

// Percent-encodes a query value: everything but RFC 3986 unreserved characters,
// so item ids with `/ + # & space '` survive (`+` would otherwise read as a space).
std::string encode_query_value(std::string_view value);

// "scheme://host[:port]" of an absolute URL, lower-cased scheme and host; empty if none.
std::string url_origin(std::string_view url);

// Resolves an @odata.nextLink against the URL of the request that returned it:
// absolute links as they are, "/path" against the origin, anything else against
// the request path's folder (OData v4 relative links). A link to another origin
// is refused: it would receive our credentials.
Expected<std::string> resolve_next_link(std::string_view request_url, std::string_view link);

// Builds "url?$a=b&$c=d" from options already in the form name=value (values encoded here).
std::string with_query(std::string_view url,
                       const std::vector<std::pair<std::string, std::string>>& options);

// A single-quoted OData string literal ('' for a quote inside).
std::string quote_literal(std::string_view text);

}  // namespace cs::agent::odata
