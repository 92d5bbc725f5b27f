#include "agent/ship/site_key.hpp"

#include <algorithm>

#include "common/text/base64.hpp"

namespace cs::agent::ship {

Status check_site_key(std::string_view key, std::string_view origin) {
    constexpr std::string_view kPrefix = "cs_site_";
    constexpr std::size_t kBody = 43;
    if (!key.starts_with(kPrefix)) {
        return make_error(ErrorCode::invalid_argument,
                          "site key from {} does not start with cs_site_ (copy the whole key "
                          "shown when the site was created)",
                          origin);
    }
    auto body = key.substr(kPrefix.size());
    bool base64url = std::all_of(body.begin(), body.end(), text::is_base64url_char);
    if (body.size() != kBody || !base64url) {
        return make_error(ErrorCode::invalid_argument,
                          "site key from {} is malformed: expected cs_site_ followed by {} "
                          "base64url characters, found {} characters{}",
                          origin, kBody, body.size(),
                          base64url ? "" : " including characters outside A-Z a-z 0-9 - _");
    }
    return ok();
}

}  // namespace cs::agent::ship
