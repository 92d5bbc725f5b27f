#include "relay/cli/migrate_command.hpp"

#include <fmt/format.h>

#include "relay/cli/cli_support.hpp"
#include "relay/db/migrations.hpp"

namespace cs::relay::cli {

int run_migrate(const std::filesystem::path& config_path, bool json) {
    auto config = load_and_init(config_path, true);
    if (!config) {
        return fail(config.error());
    }
    auto conn = db::Connection::open(connect_options(*config));
    if (!conn) {
        return fail(conn.error().wrap("database"));
    }
    auto report = db::run_migrations(**conn);
    if (!report) {
        return fail(report.error().wrap("migrate"));
    }
    if (json) {
        fmt::print(R"({{"applied":{},"version":{}}})"
                   "\n",
                   report->applied_now, report->current_version);
    } else {
        fmt::print("applied {} migration(s); schema version {}\n", report->applied_now,
                   report->current_version);
    }
    return 0;
}

}  // namespace cs::relay::cli
