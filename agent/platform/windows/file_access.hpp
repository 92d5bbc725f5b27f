#pragma once

#include <string>

namespace cs::agent::platform {

// The agent's ACL rule (agent/platform/file_access.hpp) as SDDL, for a folder
// (entries inherited by what is created inside) or a file: SYSTEM and
// Administrators full control, the service SID (when `service_sid` is not
// empty) modify, protected from inheritance.
std::wstring agent_acl_sddl(bool directory, const std::wstring& service_sid);

}  // namespace cs::agent::platform
