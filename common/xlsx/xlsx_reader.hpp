#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/rows/raw_batch.hpp"
#include "common/xlsx/xlsx_options.hpp"

namespace cs {

// Streams one worksheet of an .xlsx workbook into RawBatches
// (docs/file-formats.md). Shared strings and styles are loaded at open; the
// sheet XML is parsed as it inflates, never held whole. A row that cannot be
// read becomes a RejectedRow; a damaged package or part is an Error naming the
// file and part.
class XlsxReader final : public RowReader {
public:
    // Opens the workbook, selects the sheet and reads up to the header row, so
    // package and header errors surface here.
    static Expected<std::unique_ptr<XlsxReader>> open(const std::filesystem::path& path,
                                                      const XlsxOptions& options);
    // Reads a workbook already in memory (a portal upload, a test); the bytes
    // must outlive the reader. `name` stands for the file in messages.
    static Expected<std::unique_ptr<XlsxReader>> from_buffer(std::string_view bytes,
                                                             std::string name,
                                                             const XlsxOptions& options);
    ~XlsxReader() override;

    Expected<bool> read(RawBatch& batch, std::size_t max_rows) override;
    // With a header, known after open; without, after the first read().
    const std::vector<std::string>& columns() const override;

    // Every sheet in workbook order, and the one being read.
    std::vector<std::string> sheet_names() const;
    const std::string& sheet_name() const;
    bool date1904() const;

private:
    struct Impl;
    explicit XlsxReader(std::unique_ptr<Impl> impl);
    static Expected<std::unique_ptr<XlsxReader>> start(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> impl_;
};

}  // namespace cs
