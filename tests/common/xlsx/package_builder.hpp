#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cs::test {

// Writes zip archives with minizip, for XLSX packages made inside tests.
class ZipWriter {
public:
    explicit ZipWriter(const std::filesystem::path& path);
    ~ZipWriter();
    ZipWriter(const ZipWriter&) = delete;
    ZipWriter& operator=(const ZipWriter&) = delete;

    bool ok() const { return zip_ != nullptr; }
    void add(std::string_view name, std::string_view data);
    // An entry written piece by piece, for parts too large to build in memory.
    void add_streamed(std::string_view name,
                      const std::function<bool(std::string& chunk)>& next_chunk);

private:
    void* zip_;
};

// A minimal but complete workbook: package and workbook relationships,
// workbook.xml listing `sheets` (name, worksheet XML), and optional shared
// strings and styles parts. Returns the .xlsx bytes.
struct Package {
    std::vector<std::pair<std::string, std::string>> sheets;
    std::string shared_strings;  // full sharedStrings.xml, or empty for none
    std::string styles;          // full styles.xml, or empty for none
    std::string workbook_pr;     // e.g. R"(<workbookPr date1904="1"/>)"
};
std::string build_xlsx(const Package& package);

// Wraps <row> elements in a worksheet document.
std::string worksheet(std::string_view rows, std::string_view before_data = "");
// Wraps <si> elements in a shared strings document.
std::string shared_strings(std::string_view items);
// A styles document whose cellXfs use `num_fmt_ids` in order, with extra <numFmt>s.
std::string styles(std::string_view num_fmts, const std::vector<int>& num_fmt_ids);

std::string package_part_header();

}  // namespace cs::test
