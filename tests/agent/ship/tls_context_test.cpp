// The uplink's TLS trust: certificates handed over from the system store
// (the Windows ROOT store in production) verify a relay certificate that
// OpenSSL's default paths alone do not.
#include "agent/ship/tls_context.hpp"

#include <cstdio>

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "agent/platform/trust_store.hpp"
#include "tests/agent/ship/ship_test_support.hpp"

namespace cs::agent::ship {
namespace {

X509* read_pem(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) {
        return nullptr;
    }
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    return cert;
}

std::string der_of(const std::string& pem_path) {
    X509* cert = read_pem(pem_path);
    EXPECT_NE(cert, nullptr) << pem_path;
    unsigned char* buffer = nullptr;
    int n = i2d_X509(cert, &buffer);
    std::string der(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
    OPENSSL_free(buffer);
    X509_free(cert);
    return der;
}

// Whether the context's trust store accepts the test relay's certificate.
bool verifies_relay(boost::asio::ssl::context& ctx) {
    X509* leaf = read_pem(testing::tls_file("server.pem"));
    EXPECT_NE(leaf, nullptr);
    X509_STORE_CTX* check = X509_STORE_CTX_new();
    X509_STORE_CTX_init(check, SSL_CTX_get_cert_store(ctx.native_handle()), leaf, nullptr);
    bool ok = X509_verify_cert(check) == 1;
    X509_STORE_CTX_free(check);
    X509_free(leaf);
    return ok;
}

TEST(TlsContextTest, TrustsRootsFromTheSystemStore) {
    auto ctx = make_tls_context({}, {der_of(testing::tls_file("ca.pem"))});
    ASSERT_TRUE(ctx.has_value()) << ctx.error().message;
    EXPECT_TRUE(verifies_relay(**ctx));
}

TEST(TlsContextTest, WithoutTheRootTheRelayIsNotTrusted) {
    auto ctx = make_tls_context({}, {der_of(testing::tls_file("other-ca.pem"))});
    ASSERT_TRUE(ctx.has_value()) << ctx.error().message;
    EXPECT_FALSE(verifies_relay(**ctx));
}

TEST(TlsContextTest, CaFileStillTrustedAlongsideSystemRoots) {
    auto ctx =
        make_tls_context(testing::tls_file("ca.pem"), {der_of(testing::tls_file("other-ca.pem"))});
    ASSERT_TRUE(ctx.has_value()) << ctx.error().message;
    EXPECT_TRUE(verifies_relay(**ctx));
}

TEST(TlsContextTest, UnparsableSystemRootIsSkipped) {
    auto ctx = make_tls_context(
        {}, {std::string("not a certificate"), der_of(testing::tls_file("ca.pem"))});
    ASSERT_TRUE(ctx.has_value()) << ctx.error().message;
    EXPECT_TRUE(verifies_relay(**ctx));
}

TEST(TlsContextTest, PosixHasNoExtraSystemRoots) {
    // OpenSSL's default paths are the distribution bundle on POSIX.
    EXPECT_TRUE(platform::system_root_certificates().empty());
}

}  // namespace
}  // namespace cs::agent::ship
