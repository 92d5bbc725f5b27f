#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/normalize/options.hpp"
#include "common/parse/date_text.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent::normalize {

// The dates layer for one cell: XLSX date/datetime cells (ISO text), number
// cells (Excel serials), text by the configured formats, then as an Excel
// serial when excel_serial is on. On failure `why` says so (allocation only then).
bool read_date_time(const DateOptions& options, CellKind kind, std::string_view text,
                    parse::DateTimeParts& out, std::string& why);

}  // namespace cs::agent::normalize
