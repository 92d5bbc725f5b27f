#pragma once

#include <cstddef>
#include <string>
#include <vector>

struct x509_store_st;

namespace cs::agent::tls {

struct AddedRoots {
    std::size_t added = 0;
    std::size_t skipped = 0;  // not parseable as X.509 (the store is left without them)
};

// Adds DER certificates to an OpenSSL verify store as trusted roots; one that
// OpenSSL cannot parse is skipped, not fatal.
AddedRoots add_certificates(x509_store_st* store, const std::vector<std::string>& der);

// Adds the operating system's trusted root certificates to an OpenSSL verify
// store. Windows: the ROOT system store, which includes roots deployed by
// group policy (a TLS-inspecting proxy's CA) and needs no file on disk.
// POSIX: none; OpenSSL's default paths already are the distribution's bundle.
AddedRoots add_system_roots(x509_store_st* store);  // add_certificates of the system's roots

}  // namespace cs::agent::tls
