// POSIX: the distribution's CA bundle is OpenSSL's default verify path
// (/etc/ssl/certs), which agent/ship/tls_context.cpp loads already.
#include "agent/platform/trust_store.hpp"

namespace cs::agent::platform {

std::vector<std::string> system_root_certificates() {
    return {};
}

}  // namespace cs::agent::platform
