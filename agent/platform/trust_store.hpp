#pragma once

#include <string>
#include <vector>

// Root certificates the operating system trusts beyond what OpenSSL reads by
// itself. Implemented per platform under agent/platform/<platform>/.
namespace cs::agent::platform {

// DER-encoded certificates. Windows: the machine's ROOT store (where group
// policy puts a corporate TLS-inspection CA). POSIX: none, OpenSSL's default
// paths already are the distribution's bundle.
std::vector<std::string> system_root_certificates();

}  // namespace cs::agent::platform
