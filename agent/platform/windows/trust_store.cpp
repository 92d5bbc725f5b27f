// Windows keeps trusted roots in certificate stores, not in files OpenSSL
// reads. The ROOT system store merges the machine's and the service
// account's roots, including those deployed by group policy (a corporate
// TLS-inspection CA lives there), so the agent trusts what the browsers on
// the same machine trust.
#include "agent/platform/trust_store.hpp"

#include <windows.h>
// wincrypt.h needs windows.h's types first.
#include <wincrypt.h>

namespace cs::agent::platform {

std::vector<std::string> system_root_certificates() {
    std::vector<std::string> out;
    HCERTSTORE store = CertOpenSystemStoreW(0, L"ROOT");
    if (store == nullptr) {
        return out;  // the relay.ca_file and OpenSSL's defaults still apply
    }
    const CERT_CONTEXT* cert = nullptr;
    while ((cert = CertEnumCertificatesInStore(store, cert)) != nullptr) {
        if (cert->dwCertEncodingType & X509_ASN_ENCODING) {
            out.emplace_back(reinterpret_cast<const char*>(cert->pbCertEncoded),
                             cert->cbCertEncoded);
        }
    }
    CertCloseStore(store, 0);
    return out;
}

}  // namespace cs::agent::platform
