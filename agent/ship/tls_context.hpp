#pragma once

// Private to agent/ship: Asio SSL types stay out of the public headers.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "agent/ship/endpoint.hpp"
#include "common/base/expected.hpp"

typedef struct ssl_st SSL;

namespace cs::agent::ship {

// A client context: TLS 1.2 or later, peer verification on, trusting
// OpenSSL's default CA paths, the DER certificates in `system_roots` (the
// Windows ROOT store: platform::system_root_certificates()) and `ca_file`
// when given. A system root OpenSSL cannot parse is skipped, not fatal.
Expected<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(
    const std::filesystem::path& ca_file, const std::vector<std::string>& system_roots);

// Per connection: SNI (names only, never IP addresses) and OpenSSL's own host
// name or IP address check against the certificate.
Status prepare_tls_session(SSL* ssl, const RelayEndpoint& relay);

// Why certificate verification failed, if it did ("certificate has expired",
// "hostname mismatch", ...).
std::optional<std::string> certificate_problem(SSL* ssl);

}  // namespace cs::agent::ship
