#pragma once

#include <cstddef>

#include "common/base/expected.hpp"
#include "common/config/reader.hpp"
#include "common/text/encoding.hpp"

namespace cs {

// Sizes a CSV file controls; anything over a limit is a rejected row, never a crash.
struct CsvLimits {
    std::size_t max_field_bytes = std::size_t{1} << 20;   // as found, without surrounding quotes
    std::size_t max_record_bytes = std::size_t{4} << 20;  // as found, without the line break
    std::size_t max_columns = 1024;
    // Arena bytes plus rejected raw bytes after which read() ends a batch early.
    std::size_t max_batch_bytes = std::size_t{16} << 20;
    // fread size. Tests use tiny chunks to put chunk boundaries everywhere.
    std::size_t read_chunk_bytes = std::size_t{1} << 20;
};

struct CsvOptions {
    char delimiter = ',';
    char quote = '"';
    bool header = true;
    std::size_t skip_lines = 0;  // physical lines of preamble before the header
    text::Encoding encoding = text::Encoding::auto_detect;
    CsvLimits limits;
};

// Rejects combinations the parser cannot honour (delimiter equal to the quote,
// a line break as delimiter, zero limits).
Status validate(const CsvOptions& options);

// Reads a `csv` options object: delimiter ("," or "\t"/"tab", "comma", "semicolon",
// "pipe"), quote, header, skip_lines, encoding, max_field_bytes, max_record_bytes,
// max_columns. Unknown keys are errors; every error names the file, line and key.
Expected<CsvOptions> csv_options_from_config(const config::Reader& reader);

}  // namespace cs
