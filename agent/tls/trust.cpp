#include "agent/tls/trust.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "agent/platform/trust_store.hpp"

namespace cs::agent::tls {

AddedRoots add_certificates(X509_STORE* store, const std::vector<std::string>& certificates) {
    AddedRoots out;
    for (const auto& der : certificates) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
        X509* cert = d2i_X509(nullptr, &bytes, static_cast<long>(der.size()));
        // A duplicate of the default paths is fine (OpenSSL 3 keeps one).
        if (cert == nullptr || X509_STORE_add_cert(store, cert) != 1) {
            ++out.skipped;
        } else {
            ++out.added;
        }
        X509_free(cert);
    }
    ERR_clear_error();
    if (out.added + out.skipped > 0) {
        spdlog::debug("TLS: {} certificates from the system ROOT store ({} not usable, skipped)",
                      out.added, out.skipped);
    }
    return out;
}

AddedRoots add_system_roots(X509_STORE* store) {
    return add_certificates(store, platform::system_root_certificates());
}

}  // namespace cs::agent::tls
