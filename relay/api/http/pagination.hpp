#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/expected.hpp"
#include "relay/api/http/query.hpp"

namespace cs::relay::api {

// Cursor pagination shared by every list: `page_size` (1..500, default 50) and
// an opaque `page_token` that holds the sort key of the last row of the
// previous page. Lists query page_size + 1 rows to learn whether more follow.
struct PageRequest {
    std::int64_t size = 50;
    // The previous page's last sort key (the array that encode_page_token was
    // given); nullopt for the first page.
    std::optional<nlohmann::json> after;

    static Expected<PageRequest> from(const Query& query);
    std::int64_t fetch() const { return size + 1; }
};

// base64url(JSON array); opaque to clients.
std::string encode_page_token(const nlohmann::json& sort_key);
Expected<nlohmann::json> decode_page_token(std::string_view token);

// {"items": [...], "next_page_token": "..."|null}. `rows` holds up to
// page.fetch() items; `sort_key_of` returns the sort key of one item.
template <typename KeyOf>
nlohmann::json page_of(std::vector<nlohmann::json> rows, const PageRequest& page,
                       KeyOf sort_key_of) {
    nlohmann::json out = nlohmann::json::object();
    nlohmann::json next = nullptr;
    if (static_cast<std::int64_t>(rows.size()) > page.size) {
        rows.resize(static_cast<std::size_t>(page.size));
        next = encode_page_token(sort_key_of(rows.back()));
    }
    out["items"] = std::move(rows);
    out["next_page_token"] = std::move(next);
    return out;
}

}  // namespace cs::relay::api
