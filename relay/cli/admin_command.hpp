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
    std::string email;                    // create-user
    std::string role;                     // create-user
    std::string display_name;             // create-user
    std::filesystem::path password_file;  // create-user; "-" or empty: standard input
    bool rotate_claim_key = false;        // db-roles
    bool json = false;
};

// `admin ...`: bootstrapping tenants, sites and site keys, and the API's
// database login roles. A site key is printed exactly once (to stdout) and
// never logged.
int run_admin(const AdminOptions& options);

}  // namespace cs::relay::cli
