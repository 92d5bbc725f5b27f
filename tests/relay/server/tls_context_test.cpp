// The relay's TLS settings, by handshakes in memory against make_tls_context:
// TLS 1.3 when the client can, otherwise TLS 1.2 with ECDHE and an AEAD cipher
// only (docs/security.md, "TLS"), in the server's order.
#include <filesystem>
#include <fstream>
#include <memory>

#include <boost/asio/ssl/context.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include "relay/server/detail/shared.hpp"

namespace cs::relay::server {
namespace {

namespace fs = std::filesystem;

struct Handshake {
    bool ok = false;
    std::string version;
    std::string cipher;
};

// A client limited to TLS 1.2 and `ciphers` (empty: OpenSSL's defaults, any
// version) against the server context, over a BIO pair.
Handshake handshake(boost::asio::ssl::context& server, const std::string& ciphers) {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> client_ctx(SSL_CTX_new(TLS_client_method()),
                                                                 SSL_CTX_free);
    if (!ciphers.empty()) {
        SSL_CTX_set_max_proto_version(client_ctx.get(), TLS1_2_VERSION);
        if (SSL_CTX_set_cipher_list(client_ctx.get(), ciphers.c_str()) != 1) {
            ADD_FAILURE() << "the client does not know " << ciphers;
            return {};
        }
    }
    std::unique_ptr<SSL, decltype(&SSL_free)> c(SSL_new(client_ctx.get()), SSL_free);
    std::unique_ptr<SSL, decltype(&SSL_free)> s(SSL_new(server.native_handle()), SSL_free);
    BIO* client_bio = nullptr;
    BIO* server_bio = nullptr;
    BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
    SSL_set_bio(c.get(), client_bio, client_bio);
    SSL_set_bio(s.get(), server_bio, server_bio);
    SSL_set_connect_state(c.get());
    SSL_set_accept_state(s.get());
    for (int round = 0; round < 20; ++round) {
        int rc = SSL_do_handshake(c.get());
        int rs = SSL_do_handshake(s.get());
        if (rc == 1 && rs == 1) {
            return {true, SSL_get_version(c.get()), SSL_get_cipher_name(c.get())};
        }
        auto stuck = [](SSL* ssl, int r) {
            int e = SSL_get_error(ssl, r);
            return r != 1 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
        };
        if (stuck(c.get(), rc) || stuck(s.get(), rs)) {
            return {};
        }
    }
    return {};
}

// A self-signed RSA certificate, so that static-RSA key exchange is possible
// at all and only the server's cipher list can refuse it.
TlsConfig rsa_certificate(const fs::path& dir) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_sign(cert.get(), key.get(), EVP_sha256());
    TlsConfig tls{dir / "rsa.crt", dir / "rsa.key"};
    FILE* f = std::fopen(tls.certificate_file.c_str(), "w");
    PEM_write_X509(f, cert.get());
    std::fclose(f);
    f = std::fopen(tls.private_key_file.c_str(), "w");
    PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    return tls;
}

class TlsContextTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "cs-tls-test-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::shared_ptr<boost::asio::ssl::context> context(const TlsConfig& tls) {
        auto ctx = make_tls_context(tls);
        EXPECT_TRUE(ctx) << ctx.error().message;
        return ctx ? *ctx : nullptr;
    }

    static TlsConfig ecdsa_certificate() {
        auto dir = fs::path(CS_TEST_DATA_DIR) / "tls";
        return {dir / "relay-test.crt", dir / "relay-test.key"};
    }

    fs::path dir_;
};

TEST_F(TlsContextTest, AClientThatCanGetsTls13) {
    auto ctx = context(ecdsa_certificate());
    ASSERT_TRUE(ctx);
    auto h = handshake(*ctx, "");
    ASSERT_TRUE(h.ok);
    EXPECT_EQ(h.version, "TLSv1.3");
}

TEST_F(TlsContextTest, Tls12WithoutEcdheOrWithCbcIsRefused) {
    auto rsa = context(rsa_certificate(dir_));
    ASSERT_TRUE(rsa);
    for (const char* refused : {"AES128-GCM-SHA256", "AES256-SHA256", "ECDHE-RSA-AES128-SHA",
                                "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256"}) {
        EXPECT_FALSE(handshake(*rsa, refused).ok) << refused;
    }
    for (const char* accepted : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                                 "ECDHE-RSA-CHACHA20-POLY1305"}) {
        auto h = handshake(*rsa, accepted);
        EXPECT_TRUE(h.ok) << accepted;
        EXPECT_EQ(h.version, "TLSv1.2");
    }
    auto ecdsa = context(ecdsa_certificate());
    ASSERT_TRUE(ecdsa);
    EXPECT_FALSE(handshake(*ecdsa, "ECDHE-ECDSA-AES128-SHA256").ok) << "CBC";
    EXPECT_FALSE(handshake(*ecdsa, "ECDHE-ECDSA-AES256-SHA").ok) << "CBC";
    EXPECT_TRUE(handshake(*ecdsa, "ECDHE-ECDSA-AES128-GCM-SHA256").ok);
}

TEST_F(TlsContextTest, TheServersOrderDecides) {
    auto ctx = context(ecdsa_certificate());
    ASSERT_TRUE(ctx);
    auto h = handshake(*ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384");
    ASSERT_TRUE(h.ok);
    EXPECT_EQ(h.cipher, "ECDHE-ECDSA-AES256-GCM-SHA384");
}

}  // namespace
}  // namespace cs::relay::server
