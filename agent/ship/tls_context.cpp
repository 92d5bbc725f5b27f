#include "agent/ship/tls_context.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include "agent/tls/trust.hpp"

namespace cs::agent::ship {
namespace {

std::string openssl_error() {
    unsigned long code = ERR_get_error();
    if (code == 0) {
        return "unknown OpenSSL error";
    }
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    ERR_clear_error();
    return buffer;
}

}  // namespace

Expected<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(
    const std::filesystem::path& ca_file, const std::vector<std::string>& system_roots) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    SSL_CTX* native = ctx->native_handle();
    if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
        return make_error(ErrorCode::internal, "TLS: cannot require TLS 1.2: {}", openssl_error());
    }
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    boost::system::error_code ec;
    ctx->set_default_verify_paths(ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "TLS: cannot load the system CA store: {}",
                          ec.message());
    }
    tls::add_certificates(SSL_CTX_get_cert_store(native), system_roots);
    if (!ca_file.empty()) {
        ctx->load_verify_file(ca_file.string(), ec);
        if (ec) {
            return make_error(ErrorCode::invalid_argument,
                              "relay.ca_file {}: cannot load CA certificates: {}", ca_file.string(),
                              ec.message());
        }
    }
    ctx->set_verify_mode(ssl::verify_peer);
    return ctx;
}

Status prepare_tls_session(SSL* ssl, const RelayEndpoint& relay) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (relay.host_is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(param, relay.host.c_str()) != 1) {
            return make_error(ErrorCode::internal, "TLS: cannot check IP address {}: {}",
                              relay.host, openssl_error());
        }
        return ok();
    }
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(relay.host.c_str())) != 1) {
        return make_error(ErrorCode::internal, "TLS: cannot set SNI {}: {}", relay.host,
                          openssl_error());
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (SSL_set1_host(ssl, relay.host.c_str()) != 1) {
        return make_error(ErrorCode::internal, "TLS: cannot check host name {}: {}", relay.host,
                          openssl_error());
    }
    return ok();
}

std::optional<std::string> certificate_problem(SSL* ssl) {
    long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) {
        return std::nullopt;
    }
    return std::string(X509_verify_cert_error_string(result));
}

}  // namespace cs::agent::ship
