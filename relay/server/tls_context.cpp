#include <fstream>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include "relay/server/detail/shared.hpp"

namespace cs::relay::server {
namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";

}  // namespace

Expected<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const TlsConfig& tls) {
    namespace ssl = boost::asio::ssl;
    for (const auto& [what, path] : {std::pair{"certificate", tls.certificate_file},
                                     std::pair{"private key", tls.private_key_file}}) {
        if (!std::ifstream(path)) {
            return make_error(ErrorCode::io_error, "tls: cannot read the {} file {}", what,
                              path.string());
        }
    }
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::single_dh_use);
    // Belt and braces: the option bits above and the protocol floor both say 1.2.
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx->native_handle(), TLS1_3_VERSION);
    // TLS 1.2: forward secrecy (ECDHE) and AEAD only; no CBC, no static RSA.
    // TLS 1.3's own suites all qualify and keep OpenSSL's defaults. The
    // server's order wins, so a client offering both gets the strongest.
    if (SSL_CTX_set_cipher_list(ctx->native_handle(), kTls12Ciphers) != 1) {
        return make_error(ErrorCode::internal, "tls: OpenSSL refused the cipher list {}",
                          kTls12Ciphers);
    }
    SSL_CTX_set_options(ctx->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(tls.certificate_file.string(), ec);
    if (ec) {
        return make_error(ErrorCode::invalid_argument, "tls: {}: not a usable PEM certificate: {}",
                          tls.certificate_file.string(), ec.message());
    }
    ctx->use_private_key_file(tls.private_key_file.string(), ssl::context::pem, ec);
    if (ec) {
        return make_error(ErrorCode::invalid_argument, "tls: {}: not a usable PEM private key: {}",
                          tls.private_key_file.string(), ec.message());
    }
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        return make_error(ErrorCode::invalid_argument,
                          "tls: the private key {} does not match the certificate {}",
                          tls.private_key_file.string(), tls.certificate_file.string());
    }
    return ctx;
}

}  // namespace cs::relay::server
