#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/rows/raw_batch.hpp"
#include "common/xlsx/xml_parser.hpp"

namespace cs::xlsx {

class SharedStrings;
class Styles;

struct SheetCell {
    std::uint32_t column = 0;  // 1-based
    CellKind kind = CellKind::text;
    std::string_view text;
};

// One <row> of a worksheet, with only the cells that hold a value.
struct SheetRow {
    std::uint64_t number = 0;      // the sheet's row number (r attribute, or counted)
    std::vector<SheetCell> cells;  // ascending column
    std::string problem;           // why the row cannot be used, e.g. a cell over its limit
};

// Receives rows as the sheet streams by.
class SheetSink {
public:
    virtual ~SheetSink() = default;
    // Returns false to pause parsing right after this row.
    virtual bool on_row(const SheetRow& row) = 0;
};

struct SheetLimits {
    std::size_t max_cell_bytes = 0;
    std::size_t max_row_bytes = 0;
};

// SAX handler for a worksheet part: turns <row>/<c> elements into SheetRows,
// resolving shared strings, booleans, errors and date-formatted numbers. Rows
// without a value are not passed on.
class SheetParser final : public XmlHandler {
public:
    SheetParser(const SharedStrings& strings, const Styles& styles, bool date1904,
                SheetLimits limits, SheetSink& sink);

    // Columns spanned by <dimension ref="A1:K20"> (11), or 0 when absent.
    std::uint32_t dimension_columns() const { return dimension_columns_; }

    void start(std::string_view ns, std::string_view local, const XmlAttributes& attrs) override;
    void end(std::string_view ns, std::string_view local) override;
    void text(std::string_view data) override;

private:
    enum class Type : std::uint8_t { number, shared, inline_string, string, boolean, error, date };
    struct Pending {
        std::uint32_t column;
        CellKind kind;
        std::size_t offset;
        std::size_t size;
    };

    void start_row(const XmlAttributes& attrs);
    void start_cell(const XmlAttributes& attrs);
    void finish_cell();
    void finish_row();
    void add_value(CellKind kind, std::string_view text);
    void fail(std::string problem);
    std::string cell_ref() const;

    const SharedStrings& strings_;
    const Styles& styles_;
    bool date1904_;
    SheetLimits limits_;
    SheetSink& sink_;
    std::uint32_t dimension_columns_ = 0;

    bool in_sheet_data_ = false;
    bool in_row_ = false;
    bool in_cell_ = false;
    bool in_value_ = false;   // <v>
    bool in_inline_ = false;  // <is>
    bool in_text_ = false;    // <t> inside <is>, outside <rPh>
    int phonetic_depth_ = 0;
    bool has_value_ = false;
    bool has_inline_ = false;
    bool sorted_ = true;

    std::uint64_t row_number_ = 0;
    std::uint32_t next_column_ = 1;
    std::uint32_t column_ = 0;
    Type type_ = Type::number;
    std::uint32_t style_ = 0;
    std::string value_;  // text of <v> or of the inline string
    std::string scratch_;
    std::string row_text_;
    std::vector<Pending> pending_;
    SheetRow row_;
};

// "A" for 1, "AA" for 27; and back (0 if `letters` is not a column).
std::string column_letters(std::uint32_t column);
std::uint32_t column_number(std::string_view letters);

}  // namespace cs::xlsx
