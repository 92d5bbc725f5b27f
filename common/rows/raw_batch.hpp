#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"

namespace cs {

// How a source typed a cell, before normalization decides what it means.
enum class CellKind : std::uint8_t {
    empty,     // no value at all (missing CSV field, empty XLSX cell, JSON null)
    text,      // characters as written (every CSV field; XLSX strings; JSON strings)
    number,    // exact decimal digits as the source stored them: "1234.5", "1.5E-3"
    boolean,   // "true" or "false"
    date,      // "YYYY-MM-DD" (an XLSX date-formatted cell)
    datetime,  // "YYYY-MM-DDTHH:MM:SS[.ffffff]" in the source's local time
};
// The enumerator's name ("empty", "text", ...), for dumps and test output.
std::string_view to_string(CellKind kind);

struct RawCell {
    CellKind kind = CellKind::empty;
    std::string_view text;
};

// Where a row came from, for failed-row records and error messages.
struct RowLocation {
    std::uint64_t line = 0;    // 1-based physical line (CSV) or sheet row (XLSX); 0 if n/a
    std::uint64_t record = 0;  // 1-based data record within the read (after any header)
    std::uint64_t page = 0;    // 1-based page for paged sources (OData); 0 if n/a
};

// A row that could not even be read into cells (wrong field count, broken
// quoting, undecodable bytes). It goes to the failed-rows store; the read goes on.
struct RejectedRow {
    RowLocation location;
    std::string error;
    std::string raw;  // the row's bytes as found, for support and retry
};

// A batch of rows that share one column list. Cell text lives in the batch's
// arena and stays valid until clear(); readers fill it, the pipeline consumes it.
class RawBatch {
public:
    RawBatch();
    ~RawBatch();
    RawBatch(RawBatch&&) noexcept;
    RawBatch& operator=(RawBatch&&) noexcept;

    // Rows and rejects are dropped; columns stay.
    void clear();
    void set_columns(std::vector<std::string> columns) { columns_ = std::move(columns); }
    const std::vector<std::string>& columns() const { return columns_; }

    // Building a row: begin, add one cell per column (fewer means the rest are
    // empty), end with the raw text of the row.
    void begin_row(const RowLocation& location);
    void add_cell(CellKind kind, std::string_view text);
    void end_row(std::string_view raw);
    // Drops a row begun but not ended (the reader found it broken).
    void abandon_row();
    void reject(RejectedRow row) { rejected_.push_back(std::move(row)); }
    // Copies bytes into the arena; the view stays valid until clear().
    std::string_view intern(std::string_view bytes);

    std::size_t size() const { return rows_.size(); }
    bool empty() const { return rows_.empty() && rejected_.empty(); }
    std::span<const RawCell> row(std::size_t i) const;
    const RowLocation& location(std::size_t i) const { return rows_[i].location; }
    std::string_view raw(std::size_t i) const { return rows_[i].raw; }
    const std::vector<RejectedRow>& rejected() const { return rejected_; }
    // Bytes held in the arena: readers cap batches by this as well as by rows.
    std::size_t arena_bytes() const;

private:
    struct Row {
        RowLocation location;
        std::size_t first_cell = 0;
        std::size_t cell_count = 0;
        std::string_view raw;
    };
    struct Arena;

    std::vector<std::string> columns_;
    std::vector<RawCell> cells_;
    std::vector<Row> rows_;
    std::vector<RejectedRow> rejected_;
    std::unique_ptr<Arena> arena_;
    bool in_row_ = false;
};

// A streaming reader of rows from one input (a CSV or XLSX file, an OData
// entity set). Memory stays bounded by the batch size, not the input size.
class RowReader {
public:
    virtual ~RowReader() = default;
    // Appends up to `max_rows` rows (and any rejects met on the way) to `batch`
    // after clearing it. Returns false once the input is exhausted; the batch may
    // still hold the last rows. An Error means the input as a whole cannot be
    // read any further (I/O failure, not a spreadsheet, ...).
    virtual Expected<bool> read(RawBatch& batch, std::size_t max_rows) = 0;
    // Column names, known once the header (or first page) has been read.
    virtual const std::vector<std::string>& columns() const = 0;
};

}  // namespace cs
