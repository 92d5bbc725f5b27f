#pragma once

#include <array>
#include <memory>
#include <shared_mutex>
#include <string>

#include "tests/tools/p21sim/clock.hpp"
#include "tests/tools/p21sim/config.hpp"
#include "tests/tools/p21sim/faults.hpp"
#include "tests/tools/p21sim/json_out.hpp"
#include "tests/tools/p21sim/query_engine.hpp"
#include "tests/tools/p21sim/stats.hpp"
#include "tests/tools/p21sim/table.hpp"
#include "tests/tools/p21sim/tokens.hpp"

namespace cs::p21sim {

// Everything a request handler reads or changes. Table contents are guarded by
// data_mutex (shared for reads, exclusive for mutations); the services guard
// themselves.
struct Context {
    Context(Config cfg, TimeZone tz);

    Table& table(TableId id) { return *tables[static_cast<std::size_t>(id)]; }
    const Table& table(TableId id) const { return *tables[static_cast<std::size_t>(id)]; }
    JsonStyle json_style() const { return {&zone, config.datetime_style}; }

    const Config config;
    const TimeZone zone;
    const Generator generator;
    mutable std::shared_mutex data_mutex;
    std::array<std::unique_ptr<Table>, kTableCount> tables;
    QueryEngine engine;
    TokenService tokens;
    Faults faults;
    Stats stats;
    SimClock clock;
    std::string origin = "http://127.0.0.1";  // set before serving starts
};

}  // namespace cs::p21sim
