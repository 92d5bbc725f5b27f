#pragma once

// Base64 (RFC 4648, section 4: the standard alphabet with '=' padding), for
// HTTP Basic credentials, sealed secrets in the agent's store, and the encoded
// forms of secrets the log redacts; and base64url (section 5, unpadded) for
// tokens that travel in URLs: site keys, API page tokens.
#include <optional>
#include <string>
#include <string_view>

namespace cs::text {

std::string base64_encode(std::string_view bytes);

// nullopt unless `text` is canonical base64: a multiple of 4 characters of the
// alphabet, '=' only as the last one or two.
std::optional<std::string> base64_decode(std::string_view text);

// The URL-safe alphabet ('-' and '_'), without padding.
std::string base64url_encode(std::string_view bytes);
bool is_base64url_char(char c);
// nullopt unless `text` is canonical unpadded base64url (the unused bits of
// the last character zero).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace cs::text
