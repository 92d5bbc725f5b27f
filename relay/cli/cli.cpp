#include "relay/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/version/version.hpp"
#include "relay/cli/admin_command.hpp"
#include "relay/cli/migrate_command.hpp"
#include "relay/cli/serve_command.hpp"

namespace cs::relay {

int run_cli(int argc, char** argv) {
    CLI::App app{
        "ContractSync relay: receives agent change sets, applies them to PostgreSQL and "
        "serves the portal",
        "contractsync-relay"};
    app.set_version_flag("--version", std::string(cs::version()));
    app.require_subcommand(0, 1);

    std::string config;
    bool json = false;
    auto* serve = app.add_subcommand("serve",
                                     "Serve agents and HTTP (/v1/agent, /livez, "
                                     "/readyz, /metrics) until SIGINT or SIGTERM");
    serve->add_option("--config", config, "relay configuration file (JSON with comments)")
        ->required();

    auto* migrate = app.add_subcommand("migrate", "Apply the embedded database migrations");
    migrate->add_option("--config", config, "relay configuration file")->required();
    migrate->add_flag("--json", json, "print the result as JSON");

    cli::AdminOptions admin_options;
    auto* admin = app.add_subcommand(
        "admin",
        "Create tenants, sites and users, rotate or revoke keys, set database role passwords");
    admin->require_subcommand(1);
    auto add_admin = [&](const char* name, const char* what) {
        auto* sub = admin->add_subcommand(name, what);
        sub->add_option("--config", admin_options.config, "relay configuration file")->required();
        sub->add_flag("--json", admin_options.json, "print the result as JSON");
        sub->callback([&admin_options, name] { admin_options.action = name; });
        return sub;
    };
    add_admin("create-tenant", "Create a tenant")
        ->add_option("--name", admin_options.name, "tenant name (unique)")
        ->required();
    auto* create_site = add_admin("create-site", "Create a site and print its key (shown once)");
    create_site->add_option("--tenant", admin_options.tenant, "tenant id or name")->required();
    create_site->add_option("--name", admin_options.name, "site name (unique in the tenant)")
        ->required();
    add_admin("rotate-site-key",
              "Revoke the site's keys, print a new one (shown once) and disconnect its agent")
        ->add_option("--site", admin_options.site, "site id")
        ->required();
    auto* create_user = add_admin(
        "create-user",
        "Create a portal user: platform staff without --tenant, else a tenant user. The "
        "password is read from --password-file or standard input, never the command line");
    create_user->add_option("--email", admin_options.email, "login e-mail (unique)")->required();
    create_user
        ->add_option("--role", admin_options.role,
                     "staff: operator|admin; tenant users: admin|analyst|viewer")
        ->required();
    create_user->add_option("--tenant", admin_options.tenant, "tenant id or name");
    create_user->add_option("--display-name", admin_options.display_name,
                            "name shown in the portal");
    create_user->add_option("--password-file", admin_options.password_file,
                            "file holding the password (default: read standard input)");
    add_admin("db-roles",
              "Set the passwords of the API's database login roles to those the configuration "
              "names (database.api_*_password_file or _env)")
        ->add_flag("--rotate-claim-key", admin_options.rotate_claim_key,
                   "also replace the key that signs tenant claims (restart every relay after)");
    add_admin("revoke-site", "Revoke the site and its keys and disconnect its agent")
        ->add_option("--site", admin_options.site, "site id")
        ->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (serve->parsed()) {
        return cli::run_serve(config);
    }
    if (migrate->parsed()) {
        return cli::run_migrate(config, json);
    }
    if (admin->parsed()) {
        return cli::run_admin(admin_options);
    }
    fmt::print("{}", app.help());
    return 0;
}

}  // namespace cs::relay
