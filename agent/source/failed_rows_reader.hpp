#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/validate/failed_row.hpp"
#include "common/rows/raw_batch.hpp"

namespace cs::agent {

// Feeds stored failed rows back into the pipeline for `failed retry`. All rows
// given must share one column list (group them first with group_for_retry).
class FailedRowsReader final : public RowReader {
public:
    FailedRowsReader(std::vector<std::string> columns, std::vector<FailedRow> rows);

    Expected<bool> read(RawBatch& batch, std::size_t max_rows) override;
    const std::vector<std::string>& columns() const override { return columns_; }

private:
    std::vector<std::string> columns_;
    std::vector<FailedRow> rows_;
    std::size_t next_ = 0;
};

// Failed rows of one entity and source that share a column list.
struct RetryGroup {
    std::string entity;
    std::string source;
    std::vector<std::string> columns;
    std::vector<FailedRow> rows;
};

// Groups rows for retry. Rows that never became cells (unreadable at the source:
// wrong field count, broken quoting) cannot be retried and are returned in
// `unreadable`; they have to be fixed in the source file.
std::vector<RetryGroup> group_for_retry(std::vector<FailedRow> rows,
                                        std::vector<FailedRow>& unreadable);

}  // namespace cs::agent
