#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/base/expected.hpp"

namespace cs::agent::platform {

// Limits a file or folder to the accounts that run and administer the agent;
// the agent's state folder and its secret store get this. Windows: a
// protected ACL (nothing inherited from ProgramData, which every user may
// read) granting SYSTEM and Administrators full control and the service's
// virtual account NT SERVICE\ContractSyncAgent, where it exists, modify
// (read, write, create, delete; not the ACL itself); a folder's entries are
// inherited by what is created in it. POSIX: mode 0700 / 0600; run by root,
// the path is handed to the owner of the folder that holds it (the service
// account), so the service can read what an administrator stored.
Status restrict_to_service(const std::filesystem::path& path, bool directory);

// When every user of the machine may read the file (POSIX: the "others" read
// bit; Windows: an ACE allowing Everyone, Users or Authenticated Users to
// read), the command that would fix it; nullopt when they cannot.
std::optional<std::string> readable_by_other_users(const std::filesystem::path& path);

}  // namespace cs::agent::platform
