#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "common/decimal/decimal.hpp"
#include "common/value/value.hpp"

namespace cs::relay::recon {

// Sizes an uploaded vendor file controls.
struct IngestLimits {
    std::uint64_t max_file_bytes = std::uint64_t{64} << 20;
    std::size_t max_lines = 500'000;  // data lines; a longer file is refused whole
    std::size_t max_field_bytes = 1024;
    std::size_t max_errors_kept = 500;  // errors reported and stored; all are counted
};

// One contract line as accepted: text trimmed, vendor, contract and UOM upper
// case (UOM words EACH/CASE/BOX/PACK/DOZEN as EA/CS/BX/PK/DZ), exact decimals.
struct ContractLine {
    std::uint64_t line = 0;  // physical line (CSV) or sheet row (XLSX)
    std::string vendor_id;
    std::string contract_no;
    std::string vendor_item;
    std::string vendor_uom;
    std::string description;  // empty: none
    std::optional<Decimal> unit_size;
    Decimal price;
    std::string currency;  // empty: none (the tenant's currency is assumed)
    std::optional<Date> effective_start;
    std::optional<Date> effective_end;
};

// Why one line was not accepted. describe() reads "acme.csv:41: price: '12,5x'
// is not a number: ...".
struct LineError {
    std::uint64_t line = 0;
    std::string field;  // the contract field ("price"), empty for the whole line
    std::string message;
    std::string raw;  // the line as found (bounded)
    std::string describe(std::string_view file_name) const;
};

struct ReadOptions {
    // Used when the file has no vendor / contract column, and for empty cells.
    std::optional<std::string> vendor_id;
    std::optional<std::string> contract_no;
    bool day_first = false;      // 03/04/2026 is 3 April
    bool decimal_comma = false;  // 1.234,56
    IngestLimits limits;
};

struct ReadResult {
    std::string format;  // "csv" or "xlsx"
    std::vector<std::string> columns;
    std::vector<ContractLine> lines;
    std::vector<LineError> errors;  // the first limits.max_errors_kept
    std::uint64_t lines_total = 0;  // data lines seen (accepted + rejected)
    std::uint64_t lines_rejected = 0;
};

// Reads a vendor contract file (CSV, any delimiter of , ; tab |, or XLSX, told
// apart by content) with the readers in common/. Columns are found by header
// name, case and punctuation ignored ("Contract #", "Item ID", "Unit Price",
// "Valid From", ...; docs/reconciliation.md lists them). Each bad line becomes
// a LineError naming its line, field and reason, and reading goes on; a line
// repeating an earlier line's vendor, contract, item and UOM is an error too.
// Only a file that cannot be read at all (not CSV/XLSX, a required column
// missing, more than limits.max_lines lines) is an Error.
Expected<ReadResult> read_vendor_file(std::string_view file_name, std::string_view bytes,
                                      const ReadOptions& options);
// The same for a file on disk, streamed: memory grows with the accepted lines
// (at most limits.max_lines), not with the file. Messages name `file_name`.
Expected<ReadResult> read_vendor_file_at(std::string_view file_name,
                                         const std::filesystem::path& path,
                                         const ReadOptions& options);

}  // namespace cs::relay::recon
