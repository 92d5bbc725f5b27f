#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::xlsx {

class ZipArchive;

// The workbook's shared string table, stored as one text buffer plus end
// offsets: a million strings cost their bytes and 8 more each, nothing else.
class SharedStrings {
public:
    std::size_t size() const { return ends_.size(); }
    std::string_view at(std::size_t index) const;
    // Bytes held, the figure checked against max_shared_strings_bytes.
    std::size_t memory_bytes() const { return text_.size() + ends_.size() * sizeof(std::uint64_t); }

    void append_to_current(std::string_view text) { text_.append(text); }
    void finish_current() { ends_.push_back(text_.size()); }

private:
    std::string text_;
    std::vector<std::uint64_t> ends_;
};

// Reads xl/sharedStrings.xml. Rich-text runs are concatenated; phonetic runs
// (<rPh>, Japanese readings) are left out, as Excel shows them.
Expected<SharedStrings> read_shared_strings(ZipArchive& zip, std::string_view part,
                                            std::uint64_t max_part_bytes, std::size_t max_bytes);

}  // namespace cs::xlsx
