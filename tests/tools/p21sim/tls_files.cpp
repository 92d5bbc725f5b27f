#include "tests/tools/p21sim/tls_files.hpp"

#include <filesystem>
#include <memory>
#include <system_error>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace cs::p21sim {

namespace {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(BIO* p) const { BIO_free_all(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

Error openssl_error(std::string_view what) {
    char text[256] = "unknown error";
    unsigned long code = ERR_get_error();
    if (code != 0) {
        ERR_error_string_n(code, text, sizeof text);
    }
    ERR_clear_error();
    return make_error(ErrorCode::internal, "TLS certificate: {}: {}", what, text);
}

Status add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
        return openssl_error(value);
    }
    return ok();
}

// A certificate for `key` named `common_name`, signed by issuer (or itself).
Expected<Cert> make_cert(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key,
                         bool ca) {
    Cert cert(X509_new());
    unsigned char serial[16];
    if (!cert || RAND_bytes(serial, sizeof serial) != 1) {
        return openssl_error("new certificate");
    }
    serial[0] &= 0x7F;  // a positive serial number
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    bool ok_serial = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (!ok_serial || X509_set_version(cert.get(), 2) != 1 ||
        X509_gmtime_adj(X509_getm_notBefore(cert.get()), -86'400) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 86'400) == nullptr ||
        X509_set_pubkey(cert.get(), key) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                                   0) != 1 ||
        X509_set_issuer_name(cert.get(),
                             issuer != nullptr ? X509_get_subject_name(issuer) : name) != 1) {
        return openssl_error("certificate fields");
    }
    X509* signer = issuer != nullptr ? issuer : cert.get();
    Status s = ca ? add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE")
                  : add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    if (s) {
        s = add_extension(cert.get(), signer, NID_key_usage,
                          ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    }
    if (s) {
        s = add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    }
    if (s && !ca) {
        s = add_extension(cert.get(), signer, NID_subject_alt_name,
                          "IP:127.0.0.1,IP:::1,DNS:localhost");
    }
    if (s && !ca) {
        s = add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    }
    if (!s) {
        return s.error();
    }
    if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) {
        return openssl_error("signing");
    }
    return cert;
}

Status write_pem(const std::string& path, X509* first, X509* second, EVP_PKEY* key) {
    std::unique_ptr<BIO, Free> bio(BIO_new_file(path.c_str(), "w"));
    if (!bio) {
        return openssl_error("open " + path);
    }
    bool ok_write = true;
    for (X509* cert : {first, second}) {
        if (cert != nullptr) {
            ok_write = ok_write && PEM_write_bio_X509(bio.get(), cert) == 1;
        }
    }
    if (key != nullptr) {
        ok_write = ok_write && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                                        nullptr, nullptr) == 1;
    }
    if (!ok_write) {
        return openssl_error("write " + path);
    }
    return ok();
}

}  // namespace

Expected<TlsFiles> write_self_signed(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "--tls-self-signed {}: {}", dir, ec.message());
    }
    TlsFiles files{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key"};
    Key ca_key(EVP_EC_gen("P-256"));
    Key server_key(EVP_EC_gen("P-256"));
    if (!ca_key || !server_key) {
        return openssl_error("key generation");
    }
    auto ca = make_cert(ca_key.get(), "p21sim test CA", nullptr, ca_key.get(), true);
    if (!ca) {
        return ca.error();
    }
    auto server = make_cert(server_key.get(), "localhost", ca->get(), ca_key.get(), false);
    if (!server) {
        return server.error();
    }
    // The key file is created empty and private before the key goes in.
    if (auto s = write_pem(files.server_key, nullptr, nullptr, nullptr); !s) {
        return s.error();
    }
    std::filesystem::permissions(
        files.server_key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        ec);
    for (const auto& status : {write_pem(files.ca_cert, ca->get(), nullptr, nullptr),
                               write_pem(files.server_cert, server->get(), ca->get(), nullptr),
                               write_pem(files.server_key, nullptr, nullptr, server_key.get())}) {
        if (!status) {
            return status.error();
        }
    }
    return files;
}

}  // namespace cs::p21sim
