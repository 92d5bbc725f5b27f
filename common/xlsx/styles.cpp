#include "common/xlsx/styles.hpp"

#include <charconv>
#include <string>
#include <unordered_map>

#include "common/xlsx/xml_parser.hpp"
#include "common/xlsx/zip_archive.hpp"

namespace cs::xlsx {
namespace {

// Excel allows about 64,000 cell formats and a few hundred number formats.
constexpr std::size_t kMaxCellFormats = 1u << 20;
constexpr std::size_t kMaxNumberFormats = 1u << 16;

std::uint32_t parse_id(std::string_view text) {
    std::uint32_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size() ? value : 0;
}

class StylesHandler final : public XmlHandler {
public:
    std::unordered_map<std::uint32_t, NumberFormat> custom;
    std::vector<std::uint32_t> cell_format_ids;

    void start(std::string_view ns, std::string_view local, const XmlAttributes& attrs) override {
        if (!is_main_ns(ns)) {
            return;
        }
        if (local == "cellXfs") {
            in_cell_xfs_ = true;
        } else if (local == "numFmt" && custom.size() < kMaxNumberFormats) {
            custom[parse_id(attrs.get("numFmtId"))] = classify_format_code(attrs.get("formatCode"));
        } else if (local == "xf" && in_cell_xfs_) {
            if (cell_format_ids.size() >= kMaxCellFormats) {
                parser().abort("more than " + std::to_string(kMaxCellFormats) + " cell formats",
                               ErrorCode::limit_exceeded);
                return;
            }
            cell_format_ids.push_back(parse_id(attrs.get("numFmtId")));
        }
    }
    void end(std::string_view ns, std::string_view local) override {
        if (is_main_ns(ns) && local == "cellXfs") {
            in_cell_xfs_ = false;
        }
    }
    void text(std::string_view) override {}

private:
    bool in_cell_xfs_ = false;  // cellStyleXfs holds <xf> too; only cellXfs index cells
};

}  // namespace

Expected<Styles> read_styles(ZipArchive& zip, std::string_view part, std::uint64_t max_part_bytes) {
    StylesHandler handler;
    if (auto s = parse_entry(zip, part, max_part_bytes, handler); !s) {
        return std::move(s).error();
    }
    Styles styles;
    for (std::uint32_t id : handler.cell_format_ids) {
        // A workbook may redefine a built-in id; its own definition wins.
        auto it = handler.custom.find(id);
        styles.add(it != handler.custom.end() ? it->second : builtin_number_format(id));
    }
    return styles;
}

}  // namespace cs::xlsx
