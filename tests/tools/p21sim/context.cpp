#include "tests/tools/p21sim/context.hpp"

namespace cs::p21sim {

Context::Context(Config cfg, TimeZone tz)
    : config(std::move(cfg)),
      zone(std::move(tz)),
      generator(config.seed, config.rows, config.data_end_ms),
      tokens(config.tokens),
      faults(config.faults, config.fault_seed),
      clock(config.clock_start_ms, config.clock_frozen) {
    for (TableId id : kAllTables) {
        tables[static_cast<std::size_t>(id)] = std::make_unique<Table>(id, generator);
    }
}

}  // namespace cs::p21sim
