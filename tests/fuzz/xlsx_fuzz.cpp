// Fuzzes the XLSX reader with the input as an in-memory workbook (zip). Beyond
// not crashing: rows never have more cells than columns, and batches respect
// their row limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/xlsx/xlsx_reader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    cs::XlsxOptions options;
    // Small limits keep each run fast and exercise the limit paths.
    options.limits.max_entry_uncompressed_bytes = 4u << 20;
    options.limits.max_shared_strings_bytes = 1u << 20;
    options.limits.max_cell_bytes = 4096;
    options.limits.max_row_bytes = 16384;
    options.limits.max_columns = 64;
    options.header = size % 2 == 0;
    auto reader = cs::XlsxReader::from_buffer(input, "fuzz.xlsx", options);
    if (!reader) {
        return 0;
    }
    static cs::RawBatch batch;  // reused: its arena's first block survives clear()
    for (;;) {
        auto more = (*reader)->read(batch, 5);
        if (!more) {
            return 0;
        }
        if (batch.size() > 5) {
            std::abort();
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (batch.row(i).size() > (*reader)->columns().size()) {
                std::abort();
            }
        }
        if (!*more) {
            return 0;
        }
    }
}
