#include "agent/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/version/version.hpp"

namespace cs::agent {

int run_cli(int argc, char** argv) {
    CLI::App app{"ContractSync agent: syncs Prophet 21 and vendor files to the ContractSync cloud",
                 "contractsync-agent"};
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

}  // namespace cs::agent
