#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/csv/csv_input.hpp"
#include "common/csv/csv_options.hpp"
#include "common/csv/record_parser.hpp"
#include "common/rows/raw_batch.hpp"
#include "common/text/field_decoder.hpp"

namespace cs {

// Streams a CSV file into RawBatches (docs/file-formats.md). Memory is bounded by
// the read chunk, the longest record and the batch, never by the file. Broken
// records become RejectedRows and reading goes on; only I/O failures and an
// unusable header are Errors.
class CsvReader final : public RowReader {
public:
    // Opens a file and reads up to and including the header, so header errors
    // surface here and columns() is known (without a header: after the first row).
    static Expected<std::unique_ptr<CsvReader>> open(const std::filesystem::path& path,
                                                     const CsvOptions& options);
    // Reads bytes already in memory (a portal upload, a test); they must outlive
    // the reader. `name` stands for the file in messages.
    static Expected<std::unique_ptr<CsvReader>> from_buffer(std::string_view bytes,
                                                            std::string name,
                                                            const CsvOptions& options);

    Expected<bool> read(RawBatch& batch, std::size_t max_rows) override;
    const std::vector<std::string>& columns() const override { return columns_; }
    // The byte-order mark the input started with, for logs.
    text::Bom bom() const { return input_.bom(); }

private:
    enum class Step : std::uint8_t { parsed, skipped, end };

    CsvReader(csv::Input input, const CsvOptions& options);
    static Expected<std::unique_ptr<CsvReader>> start(std::unique_ptr<CsvReader> reader);
    Status skip_preamble();
    Status read_header();
    Expected<Step> next_record();
    Expected<Step> skip_oversized();
    void emit(RawBatch& batch, std::size_t start, std::uint64_t line, std::size_t& reject_bytes);
    // Why the parsed record cannot become a row whatever its content, or empty.
    std::string record_problem(std::string_view content) const;
    bool blank() const;
    std::string_view raw_text(std::string_view bytes);
    RejectedRow make_reject(RowLocation location, std::string error, std::string_view raw);

    CsvOptions options_;
    csv::Input input_;
    csv::RecordParser parser_;
    csv::ParsedRecord parsed_;
    csv::ParseResult result_ = csv::ParseResult::record;
    text::FieldDecoder decoder_;
    std::vector<std::string> columns_;
    RejectedRow pending_reject_;
    std::uint64_t line_ = 1;  // physical line where the next record starts
    std::uint64_t records_ = 0;
    bool done_ = false;
    std::string unescape_scratch_;
    std::string decode_scratch_;
    std::string raw_scratch_;
};

}  // namespace cs
