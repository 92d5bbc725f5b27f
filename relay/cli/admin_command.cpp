#include "relay/cli/admin_command.hpp"

#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "relay/api/auth/auth.hpp"
#include "relay/cli/cli_support.hpp"
#include "relay/db/login_roles.hpp"
#include "relay/db/migrations.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::cli {
namespace {

using nlohmann::json;

void print_key(const sites::IssuedKey& key, bool as_json, std::string_view verb) {
    if (as_json) {
        fmt::print("{}\n", json{{"tenant_id", key.site.tenant_id},
                                {"site_id", key.site.site_id},
                                {"name", key.site.name},
                                {"key_id", key.key_id},
                                {"site_key", key.key}}
                               .dump());
        return;
    }
    fmt::print(
        "{} site '{}'\n  tenant id: {}\n  site id:   {}\n  site key:  {}\n\n"
        "Store the site key now (e.g. in the agent's secret store): it is shown only "
        "once and the relay keeps only its hash.\n",
        verb, key.site.name, key.site.tenant_id, key.site.site_id, key.key);
}

Expected<std::string> read_password(const std::filesystem::path& file) {
    std::string line;
    if (file.empty() || file == "-") {
        std::getline(std::cin, line);
    } else {
        std::ifstream in(file);
        if (!in) {
            return make_error(ErrorCode::io_error, "{}: cannot open the password file",
                              file.string());
        }
        std::getline(in, line);
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
        line.pop_back();
    }
    return line;
}

int create_user(db::Connection& conn, const RelayConfig& config, const AdminOptions& o) {
    auto password = read_password(o.password_file);
    if (!password) {
        return fail(password.error().wrap("create-user"));
    }
    api::auth::NewUser user{std::nullopt, o.email, o.display_name, o.role, *password};
    if (!o.tenant.empty()) {
        auto t = conn.query("looking up the tenant",
                            "SELECT tenant_id FROM tenants WHERE tenant_id::text = $1 OR name = $1",
                            db::Params().text(o.tenant));
        if (!t) {
            return fail(t.error().wrap("create-user"));
        }
        if (t->rows() != 1) {
            return fail(fmt::format("create-user: no tenant '{}'", o.tenant));
        }
        user.tenant_id = std::string(t->text(0, 0));
    }
    auto id = api::auth::create_user(conn, user,
                                     {config.api.argon2_memory_kib, config.api.argon2_iterations,
                                      config.api.argon2_parallelism});
    if (!id) {
        return fail(id.error().wrap("create-user"));
    }
    if (o.json) {
        fmt::print("{}\n", json{{"user_id", *id}, {"email", o.email}, {"role", o.role}}.dump());
    } else {
        fmt::print("created {} user {} ({})\n", user.tenant_id ? "tenant" : "staff", o.email, *id);
    }
    return 0;
}

// Sets each API login role's password to the one the configuration names
// (database.api_*_password_file or _env), so the relay logs in with what was
// set and no password ever passes a command line.
int db_roles(db::Connection& conn, const RelayConfig& config, const AdminOptions& o) {
    json done = json::array();
    for (auto scope : {db::ApiScope::tenant, db::ApiScope::staff}) {
        auto options = api_connect_options(config, scope);
        const auto& key = db::api_login(scope).config_key;
        if (options.password.empty()) {
            if (!o.json) {
                fmt::print(
                    "{}: no password configured (database.{}_password_file or _env); "
                    "left unchanged\n",
                    options.user, key);
            }
            continue;
        }
        if (auto s = db::set_login_password(conn, options.user, options.password); !s) {
            return fail(s.error().wrap("db-roles"));
        }
        done.push_back(options.user);
        if (!o.json) {
            fmt::print("{}: password set from database.{}_password_*\n", options.user, key);
        }
    }
    if (o.rotate_claim_key) {
        if (auto r =
                conn.query("rotating the tenant claim key", "SELECT cs_rotate_tenant_claim_key()");
            !r) {
            return fail(r.error().wrap("db-roles"));
        }
        if (!o.json) {
            fmt::print("rotated the tenant claim key: restart every relay instance now\n");
        }
    }
    if (done.empty() && !o.rotate_claim_key) {
        return fail(
            "db-roles: the configuration names no API role password "
            "(database.api_tenant_password_file, database.api_staff_password_file or their "
            "_env forms); nothing to do");
    }
    if (o.json) {
        fmt::print("{}\n",
                   json{{"passwords_set", done}, {"claim_key_rotated", o.rotate_claim_key}}.dump());
    }
    return 0;
}

int run_action(db::Connection& conn, const AdminOptions& o) {
    if (o.action == "create-tenant") {
        auto t = sites::create_tenant(conn, o.name);
        if (!t) {
            return fail(t.error().wrap("create-tenant"));
        }
        if (o.json) {
            fmt::print("{}\n", json{{"tenant_id", t->tenant_id}, {"name", t->name}}.dump());
        } else {
            fmt::print("created tenant '{}'\n  tenant id: {}\n", t->name, t->tenant_id);
        }
        return 0;
    }
    if (o.action == "create-site") {
        auto key = sites::create_site(conn, o.tenant, o.name);
        if (!key) {
            return fail(key.error().wrap("create-site"));
        }
        print_key(*key, o.json, "created");
        return 0;
    }
    if (o.action == "rotate-site-key") {
        auto key = sites::rotate_site_key(conn, o.site);
        if (!key) {
            return fail(key.error().wrap("rotate-site-key"));
        }
        print_key(*key, o.json, "rotated the key of");
        return 0;
    }
    auto site = sites::revoke_site(conn, o.site);
    if (!site) {
        return fail(site.error().wrap("revoke-site"));
    }
    if (o.json) {
        fmt::print("{}\n", json{{"tenant_id", site->tenant_id},
                                {"site_id", site->site_id},
                                {"name", site->name},
                                {"revoked", true}}
                               .dump());
    } else {
        fmt::print("revoked site '{}' ({}); its agent is disconnected and cannot reconnect\n",
                   site->name, site->site_id);
    }
    return 0;
}

}  // namespace

int run_admin(const AdminOptions& options) {
    auto config = load_and_init(options.config, true);
    if (!config) {
        return fail(config.error());
    }
    auto conn = db::Connection::open(connect_options(*config));
    if (!conn) {
        return fail(conn.error().wrap("database"));
    }
    if (auto s = db::check_migrations_current(**conn); !s) {
        return fail(fmt::format("{} (run `contractsync-relay migrate --config {}` first)",
                                s.error().message, options.config.string()));
    }
    if (options.action == "create-user") {
        return create_user(**conn, *config, options);
    }
    if (options.action == "db-roles") {
        return db_roles(**conn, *config, options);
    }
    return run_action(**conn, options);
}

}  // namespace cs::relay::cli
