#pragma once

#include "relay/api/core/context.hpp"

namespace cs::relay::api::routes {

// Records exported at most: the export is built in memory, and views this
// small are also the ones that may be sorted by a field.
inline constexpr std::int64_t kMaxExportRecords = 100'000;

// GET .../entities/{entity}/export: the view of the records list (same filters
// and sort) as CSV, every field or those named in `columns`.
Reply export_records(RequestContext& ctx);

}  // namespace cs::relay::api::routes
