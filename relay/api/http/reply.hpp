#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/error.hpp"
#include "relay/server/http_types.hpp"

namespace cs::relay::api {

// What an API handler answers: a JSON body, an RFC 9457 problem, or raw bytes
// (CSV exports). Turned into an HttpResponse by to_http().
struct Reply {
    int status = 200;
    nlohmann::json body;
    std::string raw;           // used instead of `body` when content_type is set
    std::string content_type;  // empty: application/json (or problem+json)
    std::vector<std::pair<std::string, std::string>> headers;
    bool problem = false;

    static Reply json(nlohmann::json body, int status = 200);
    static Reply created(nlohmann::json body) { return json(std::move(body), 201); }
    static Reply no_content();
    // An RFC 9457 problem: `title` is fixed per status, `detail` says what and why.
    static Reply error(int status, std::string_view detail, nlohmann::json extra = {});
    // A cs::Error as a problem: invalid input 400, not found 404, conflict 409,
    // unauthorized 401, limits 413, database unavailable 503, the rest 500.
    static Reply from(const Error& error);

    bool ok() const { return status < 400; }
    server::HttpResponse to_http() const;
};

inline Reply bad_request(std::string_view detail) {
    return Reply::error(400, detail);
}
inline Reply forbidden(std::string_view detail) {
    return Reply::error(403, detail);
}
inline Reply not_found(std::string_view detail) {
    return Reply::error(404, detail);
}
inline Reply conflict(std::string_view detail) {
    return Reply::error(409, detail);
}

// Serialises JSON for the wire, replacing invalid UTF-8 rather than throwing.
std::string dump_json(const nlohmann::json& value);

}  // namespace cs::relay::api
