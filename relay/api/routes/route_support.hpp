#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/api/core/context.hpp"
#include "relay/api/core/route_table.hpp"

// Small helpers shared by the route files.
namespace cs::relay::api::routes {

// A string member of a JSON body: nullopt when absent and not required;
// an error naming the field when it has the wrong type, is empty or too long.
Expected<std::optional<std::string>> string_field(const nlohmann::json& body, std::string_view name,
                                                  bool required, std::size_t max_bytes = 200);

// A path parameter that must be a UUID; the error names the parameter.
Expected<std::string> uuid_param(const RequestContext& ctx, std::string_view name);

// Fails with a 400 naming the first member of `body` not in `allowed`.
Status only_fields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

// The SQL text of an optional filter value: the value or "" (SQL: nullif($n, '')).
std::string filter(const RequestContext& ctx, std::string_view name);

// The reply to a list query that fetched page.fetch() rows: its error, or the
// page with a next token made of the last item's sort key (`sort_key_of`).
template <typename KeyOf>
Reply page_reply(Expected<std::vector<nlohmann::json>> rows, const PageRequest& page,
                 KeyOf sort_key_of) {
    if (!rows) {
        return Reply::from(rows.error());
    }
    return Reply::json(page_of(std::move(*rows), page, sort_key_of));
}
// The same with the sort key made of the named members of the item, in order.
Reply page_reply(Expected<std::vector<nlohmann::json>> rows, const PageRequest& page,
                 std::initializer_list<const char*> sort_key);

// The cursor of a page as SQL parameters: the sort key's elements as text, or
// "" when this is the first page (SQL: nullif($n, '')).
std::string cursor_part(const PageRequest& page, std::size_t index);

}  // namespace cs::relay::api::routes
