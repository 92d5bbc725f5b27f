#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::xlsx {

class ZipArchive;

struct SheetInfo {
    std::string name;
    std::string part;          // zip entry of the worksheet, e.g. "xl/worksheets/sheet1.xml"
    bool is_worksheet = true;  // false for chart sheets and dialog sheets
};

// What the package says about its workbook: sheets in workbook order, where
// shared strings and styles live, and which date system serials use.
struct Workbook {
    std::string part;  // "xl/workbook.xml" for every producer we know, but read from _rels/.rels
    std::vector<SheetInfo> sheets;
    std::string shared_strings_part;  // empty when the workbook has none
    std::string styles_part;
    bool date1904 = false;
};

Expected<Workbook> read_workbook(ZipArchive& zip, std::uint64_t max_part_bytes);

// Resolves a relationship target against the part that holds the relationship:
// ("xl/workbook.xml", "worksheets/sheet1.xml") -> "xl/worksheets/sheet1.xml";
// absolute targets ("/xl/styles.xml") are taken from the package root.
std::string resolve_part(std::string_view source_part, std::string_view target);

}  // namespace cs::xlsx
