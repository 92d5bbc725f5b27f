#include "relay/api/http/pagination.hpp"

namespace cs::relay::api {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxTokenBytes = 4096;

std::string encode(std::string_view in) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : in) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(buffer >> bits) & 63];
        }
    }
    if (bits > 0) {
        out += kAlphabet[(buffer << (6 - bits)) & 63];
    }
    return out;
}

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

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
    return encode(sort_key.dump());
}

Expected<nlohmann::json> decode_page_token(std::string_view token) {
    auto invalid = [] {
        return make_error(ErrorCode::invalid_argument,
                          "page_token is not a token this API issued; start again without it");
    };
    if (token.size() > kMaxTokenBytes) {
        return invalid();
    }
    std::string bytes;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : token) {
        int v = decode_char(c);
        if (v < 0) {
            return invalid();
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    auto parsed = nlohmann::json::parse(bytes, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_array() || parsed.empty()) {
        return invalid();
    }
    return parsed;
}

}  // namespace cs::relay::api
