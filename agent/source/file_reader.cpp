#include "agent/source/file_reader.hpp"

#include <algorithm>
#include <cctype>

#include "common/csv/csv_reader.hpp"
#include "common/xlsx/xlsx_reader.hpp"

namespace cs::agent {

Expected<FileKind> detect_file_kind(const std::filesystem::path& path, bool automatic,
                                    FileKind configured) {
    if (!automatic) {
        return configured;
    }
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".csv" || ext == ".txt" || ext == ".tsv") {
        return FileKind::csv;
    }
    if (ext == ".xlsx" || ext == ".xlsm") {
        return FileKind::xlsx;
    }
    return make_error(ErrorCode::invalid_argument,
                      "{}: cannot tell the file format from the extension '{}' (set files.format "
                      "to csv or xlsx)",
                      path.filename().string(), ext);
}

Expected<std::unique_ptr<RowReader>> open_csv(const std::filesystem::path& path,
                                              const CsvOptions& options) {
    auto reader = CsvReader::open(path, options);
    if (!reader) {
        return std::move(reader).error();
    }
    return std::unique_ptr<RowReader>(std::move(*reader));
}

}  // namespace cs::agent

namespace cs::agent {

Expected<std::unique_ptr<RowReader>> open_xlsx(const std::filesystem::path& path,
                                               const XlsxOptions& options) {
    auto reader = XlsxReader::open(path, options);
    if (!reader) {
        return std::move(reader).error();
    }
    return std::unique_ptr<RowReader>(std::move(*reader));
}

}  // namespace cs::agent
