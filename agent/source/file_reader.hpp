#pragma once

#include <filesystem>
#include <memory>

#include "common/base/expected.hpp"
#include "common/csv/csv_options.hpp"
#include "common/rows/raw_batch.hpp"
#include "common/xlsx/xlsx_options.hpp"

namespace cs::agent {

enum class FileKind { csv, xlsx };

// The reader for a dropped file: by the configured format, or by its extension
// when the format is automatic.
Expected<FileKind> detect_file_kind(const std::filesystem::path& path, bool automatic,
                                    FileKind configured);

Expected<std::unique_ptr<RowReader>> open_csv(const std::filesystem::path& path,
                                              const CsvOptions& options);
Expected<std::unique_ptr<RowReader>> open_xlsx(const std::filesystem::path& path,
                                               const XlsxOptions& options);

}  // namespace cs::agent
