#pragma once

#include <string>

#include "common/base/expected.hpp"

namespace cs::p21sim {

struct TlsFiles {
    std::string ca_cert;      // DIR/ca.crt: point clients' CA file here
    std::string server_cert;  // DIR/server.crt: the server certificate, then the CA
    std::string server_key;   // DIR/server.key
};

// Generates a CA and a server certificate for 127.0.0.1, ::1 and localhost
// (EC P-256, valid from yesterday for 30 days) into `dir`, replacing earlier files.
Expected<TlsFiles> write_self_signed(const std::string& dir);

}  // namespace cs::p21sim
