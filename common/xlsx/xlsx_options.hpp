#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/base/expected.hpp"
#include "common/config/reader.hpp"

namespace cs {

// Sizes an XLSX file controls. A cell or row over its limit is a rejected row;
// a part over its limit (or shared strings over theirs) fails the whole file.
struct XlsxLimits {
    std::size_t max_shared_strings_bytes = std::size_t{64} << 20;
    std::size_t max_cell_bytes = std::size_t{1} << 20;
    std::size_t max_row_bytes = std::size_t{4} << 20;
    std::size_t max_columns = 1024;
    // The zip-bomb guard: no part may inflate past this, whatever it claims.
    std::uint64_t max_entry_uncompressed_bytes = std::uint64_t{1} << 30;
    // Arena bytes plus rejected raw bytes after which read() ends a batch early.
    std::size_t max_batch_bytes = std::size_t{16} << 20;
};

struct XlsxOptions {
    std::string sheet;  // by name (case-insensitive); empty = first sheet in workbook order
    bool header = true;
    std::size_t skip_rows = 0;  // sheet rows 1..skip_rows are ignored (title blocks)
    XlsxLimits limits;
};

// Reads an `xlsx` options object: sheet, header, skip_rows, max_shared_strings_bytes,
// max_cell_bytes, max_row_bytes, max_columns, max_entry_uncompressed_bytes.
// Unknown keys are errors; every error names the file, line and key.
Expected<XlsxOptions> xlsx_options_from_config(const config::Reader& reader);

}  // namespace cs
