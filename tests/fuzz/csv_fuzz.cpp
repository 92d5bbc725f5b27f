// Fuzzes the CSV reader. The first byte picks the options; the rest is the file.
// Beyond not crashing: every cell and raw row must be valid UTF-8, every row
// must have one cell per column, and the outcome must not depend on where the
// read chunks happen to end (a tiny chunk size is compared with a large one).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/csv/csv_reader.hpp"
#include "common/text/utf8.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

void check(bool condition) {
    if (!condition) {
        std::abort();
    }
}

// Everything the reader produced, flattened for comparison.
std::string drain(std::string_view input, const cs::CsvOptions& options) {
    auto reader = cs::CsvReader::from_buffer(input, "fuzz.csv", options);
    if (!reader) {
        return "open error: " + reader.error().message;
    }
    std::string out;
    static cs::RawBatch batch;  // reused: its arena's first block survives clear()
    for (;;) {
        auto more = (*reader)->read(batch, 3);
        check(more.has_value());  // memory input has no I/O to fail
        check(batch.size() <= 3);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            check(batch.row(i).size() == (*reader)->columns().size());
            check(cs::text::is_valid_utf8(batch.raw(i)));
            out += std::to_string(batch.location(i).line) + ":" +
                   std::to_string(batch.location(i).record) + "[";
            for (const cs::RawCell& cell : batch.row(i)) {
                check(cs::text::is_valid_utf8(cell.text));
                out += std::to_string(static_cast<int>(cell.kind)) + std::string(cell.text) + "|";
            }
            out += "]\n";
        }
        for (const cs::RejectedRow& r : batch.rejected()) {
            check(cs::text::is_valid_utf8(r.raw));
            out += "reject " + std::to_string(r.location.line) + ":" + r.error + "\n";
        }
        if (!*more) {
            return out;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::uint8_t flags = data[0];
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    cs::CsvOptions options;
    options.delimiter = (flags & 1) != 0 ? ';' : ',';
    options.header = (flags & 2) != 0;
    options.encoding = static_cast<cs::text::Encoding>((flags >> 2) % 3);
    options.skip_lines = (flags >> 4) & 1;
    options.limits.max_field_bytes = 64;
    options.limits.max_record_bytes = 256;
    options.limits.max_columns = 16;
    options.limits.max_batch_bytes = 4096;
    options.limits.read_chunk_bytes = 1 + (flags >> 5) * 5;
    const std::string small_chunks = drain(input, options);
    options.limits.read_chunk_bytes = std::size_t{1} << 16;  // beyond -max_len: one chunk
    check(small_chunks == drain(input, options));
    return 0;
}
