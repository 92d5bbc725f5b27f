#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "common/xlsx/number_format.hpp"

namespace cs::xlsx {

class ZipArchive;

// For each cell style (the `s` attribute of a cell: an index into cellXfs),
// whether its number format makes numbers dates.
class Styles {
public:
    NumberFormat format_of(std::uint32_t style) const {
        return style < formats_.size() ? formats_[style] : NumberFormat::number;
    }
    std::size_t size() const { return formats_.size(); }

    void add(NumberFormat format) { formats_.push_back(format); }

private:
    std::vector<NumberFormat> formats_;
};

Expected<Styles> read_styles(ZipArchive& zip, std::string_view part, std::uint64_t max_part_bytes);

}  // namespace cs::xlsx
