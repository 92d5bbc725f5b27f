#include "relay/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/version/version.hpp"

namespace cs::relay {

int run_cli(int argc, char** argv) {
    CLI::App app{
        "ContractSync relay: receives agent change sets, applies them to PostgreSQL and "
        "serves the portal",
        "contractsync-relay"};
    app.set_version_flag("--version", std::string(cs::version()));
    app.require_subcommand(0, 1);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (app.get_subcommands().empty()) {
        fmt::print("{}", app.help());
    }
    return 0;
}

}  // namespace cs::relay
