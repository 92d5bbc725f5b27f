#pragma once

#include <filesystem>
#include <string>

namespace cs::relay::cli {

struct AdminOptions {
    std::filesystem::path config;
    std::string action;  // create-tenant, create-site, rotate-site-key, revoke-site
    std::string name;
    std::string tenant;
    std::string site;
    bool json = false;
};

// `admin ...`: bootstrapping tenants, sites and site keys. A site key is printed
// exactly once (to stdout) and never logged.
int run_admin(const AdminOptions& options);

}  // namespace cs::relay::cli
