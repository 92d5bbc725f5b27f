#include "tests/tools/p21sim/app.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/log/log.hpp"
#include "tests/tools/p21sim/server.hpp"
#include "tests/tools/p21sim/simulator.hpp"

namespace cs::p21sim {

int run_p21sim(int argc, const char* const* argv) {
    CommandLine command_line = parse_command_line(argc, argv, process_environment());
    if (!command_line.config) {
        std::fputs(command_line.message.c_str(), command_line.exit_code == 0 ? stdout : stderr);
        return command_line.exit_code;
    }
    Config config = std::move(*command_line.config);
    if (auto status = cs::log::init({.level = "info", .name = "p21sim"}); !status) {
        std::fprintf(stderr, "p21sim: %s\n", status.error().message.c_str());
        return 1;
    }
    for (const std::string* secret : {&config.tokens.password, &config.tokens.consumer_key}) {
        if (!secret->empty()) {
            cs::log::register_secret(*secret);
        }
    }
    auto simulator = Simulator::create(config);
    if (!simulator) {
        std::fprintf(stderr, "p21sim: %s\n", simulator.error().message.c_str());
        return 2;
    }
    auto server = Server::start(**simulator, config.server);
    if (!server) {
        std::fprintf(stderr, "p21sim: %s\n", server.error().message.c_str());
        return 1;
    }
    (*simulator)->set_origin((*server)->origin());
    // Tests wait for exactly this line on stdout.
    std::printf("p21sim listening on %s\n", (*server)->origin().c_str());
    std::fflush(stdout);
    std::string rows;
    for (TableId id : kAllTables) {
        rows += fmt::format("{}{}={}", rows.empty() ? "" : ",", table_name(id), config.rows[id]);
    }
    spdlog::info("seed {} rows {}; tz {} ({} datetimes); paging {}", config.seed, rows,
                 config.time_zone, to_string(config.datetime_style),
                 config.paging == Paging::nextlink ? "nextlink" : "client");
    (*server)->run();
    spdlog::info("stopped");
    return 0;
}

}  // namespace cs::p21sim
