#include "relay/api/http/pagination.hpp"

#include "common/text/base64.hpp"

namespace cs::relay::api {
namespace {

constexpr std::size_t kMaxTokenBytes = 4096;

}  // namespace

Expected<PageRequest> PageRequest::from(const Query& query) {
    PageRequest page;
    auto size = query.integer("page_size", 50, 1, 500);
    if (!size) {
        return std::move(size).error();
    }
    page.size = *size;
    if (auto token = query.get("page_token"); token && !token->empty()) {
        auto key = decode_page_token(*token);
        if (!key) {
            return std::move(key).error();
        }
        page.after = std::move(*key);
    }
    return page;
}

std::string encode_page_token(const nlohmann::json& sort_key) {
    return text::base64url_encode(sort_key.dump());
}

Expected<nlohmann::json> decode_page_token(std::string_view token) {
    auto invalid = [] {
        return make_error(ErrorCode::invalid_argument,
                          "page_token is not a token this API issued; start again without it");
    };
    if (token.size() > kMaxTokenBytes) {
        return invalid();
    }
    auto bytes = text::base64url_decode(token);
    if (!bytes) {
        return invalid();
    }
    auto parsed = nlohmann::json::parse(*bytes, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array() || parsed.empty()) {
        return invalid();
    }
    return parsed;
}

}  // namespace cs::relay::api
