#include "common/xlsx/sheet_parser.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "common/xlsx/excel_date.hpp"
#include "common/xlsx/shared_strings.hpp"
#include "common/xlsx/styles.hpp"

namespace cs::xlsx {
namespace {

constexpr std::uint32_t kMaxExcelColumn = 16384;  // XFD

std::string_view trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// The letters of a cell reference such as "AB12" or a range end such as "K20".
std::string_view letters_of(std::string_view ref) {
    std::size_t n = 0;
    while (n < ref.size() &&
           ((ref[n] >= 'A' && ref[n] <= 'Z') || (ref[n] >= 'a' && ref[n] <= 'z'))) {
        ++n;
    }
    return ref.substr(0, n);
}

bool is_number(std::string_view text) {
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        ++i;
    }
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        ++i;
        ++digits;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            ++i;
            ++digits;
        }
    }
    if (digits == 0) {
        return false;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            ++i;
        }
        if (i == start) {
            return false;
        }
    }
    return i == text.size();
}

bool digits_at(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) {
        return false;
    }
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(pos),
                       text.begin() + static_cast<std::ptrdiff_t>(pos + count),
                       [](char c) { return c >= '0' && c <= '9'; });
}

// t="d" cells hold ISO 8601 text: "2024-03-01" or "2024-03-01T10:30:00[.123][Z]".
std::optional<std::pair<CellKind, std::string>> iso_date(std::string_view v) {
    if (!digits_at(v, 0, 4) || v.size() < 10 || v[4] != '-' || !digits_at(v, 5, 2) || v[7] != '-' ||
        !digits_at(v, 8, 2)) {
        return std::nullopt;
    }
    if (v.size() == 10) {
        return std::pair{CellKind::date, std::string(v)};
    }
    if (v.size() < 19 || v[10] != 'T' || !digits_at(v, 11, 2) || v[13] != ':' ||
        !digits_at(v, 14, 2) || v[16] != ':' || !digits_at(v, 17, 2)) {
        return std::nullopt;
    }
    std::string out(v.substr(0, 19));
    if (v.size() > 20 && v[19] == '.' && digits_at(v, 20, 1)) {
        std::size_t n = 0;
        while (20 + n < v.size() && n < 3 && digits_at(v, 20 + n, 1)) {
            ++n;
        }
        out += v.substr(19, n + 1);
    }
    return std::pair{CellKind::datetime, std::move(out)};
}

}  // namespace

std::string column_letters(std::uint32_t column) {
    std::string out;
    while (column > 0) {
        const std::uint32_t rem = (column - 1) % 26;
        out.insert(out.begin(), static_cast<char>('A' + rem));
        column = (column - 1) / 26;
    }
    return out;
}

std::uint32_t column_number(std::string_view letters) {
    if (letters.empty() || letters.size() > 3) {
        return 0;
    }
    std::uint32_t column = 0;
    for (char c : letters) {
        const char upper = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
        if (upper < 'A' || upper > 'Z') {
            return 0;
        }
        column = column * 26 + static_cast<std::uint32_t>(upper - 'A' + 1);
    }
    return column <= kMaxExcelColumn ? column : 0;
}

SheetParser::SheetParser(const SharedStrings& strings, const Styles& styles, bool date1904,
                         SheetLimits limits, SheetSink& sink)
    : strings_(strings), styles_(styles), date1904_(date1904), limits_(limits), sink_(sink) {}

void SheetParser::start(std::string_view ns, std::string_view local, const XmlAttributes& attrs) {
    if (!is_main_ns(ns)) {
        return;
    }
    if (!in_sheet_data_) {
        if (local == "sheetData") {
            in_sheet_data_ = true;
        } else if (local == "dimension") {
            const std::string_view ref = attrs.get("ref");
            const std::size_t colon = ref.find(':');
            dimension_columns_ = column_number(
                letters_of(colon == std::string_view::npos ? ref : ref.substr(colon + 1)));
        }
        return;
    }
    if (local == "row") {
        start_row(attrs);
    } else if (!in_row_) {
        return;
    } else if (local == "c") {
        start_cell(attrs);
    } else if (!in_cell_) {
        return;
    } else if (local == "v") {
        in_value_ = true;
        has_value_ = true;
    } else if (local == "is") {
        in_inline_ = true;
        has_inline_ = true;
        value_.clear();
    } else if (local == "rPh") {
        ++phonetic_depth_;
    } else if (local == "t" && in_inline_ && phonetic_depth_ == 0) {
        in_text_ = true;
    }
}

void SheetParser::end(std::string_view ns, std::string_view local) {
    if (!is_main_ns(ns) || !in_sheet_data_) {
        return;
    }
    if (local == "sheetData") {
        in_sheet_data_ = false;
    } else if (local == "row" && in_row_) {
        finish_row();
    } else if (local == "c" && in_cell_) {
        finish_cell();
    } else if (local == "v") {
        in_value_ = false;
    } else if (local == "is") {
        in_inline_ = false;
    } else if (local == "rPh" && phonetic_depth_ > 0) {
        --phonetic_depth_;
    } else if (local == "t") {
        in_text_ = false;
    }
}

void SheetParser::text(std::string_view data) {
    // Text of <v> when not an inline string; text of <t> runs inside <is>.
    if (!((in_value_ && !has_inline_) || in_text_)) {
        return;
    }
    if (value_.size() + data.size() > limits_.max_cell_bytes) {
        fail(fmt::format("cell {} is over the limit of {} bytes (max_cell_bytes)", cell_ref(),
                         limits_.max_cell_bytes));
        in_value_ = in_text_ = false;
        return;
    }
    value_.append(data);
}

void SheetParser::start_row(const XmlAttributes& attrs) {
    in_row_ = true;
    std::uint64_t number = 0;
    const std::string_view r = attrs.get("r");
    auto [ptr, ec] = std::from_chars(r.data(), r.data() + r.size(), number);
    // LibreOffice and some libraries may leave r out: rows are then counted.
    row_number_ =
        ec == std::errc() && ptr == r.data() + r.size() && number > 0 ? number : row_number_ + 1;
    next_column_ = 1;
    pending_.clear();
    row_text_.clear();
    row_.problem.clear();
    sorted_ = true;
}

void SheetParser::start_cell(const XmlAttributes& attrs) {
    in_cell_ = true;
    has_value_ = has_inline_ = false;
    in_value_ = in_inline_ = in_text_ = false;
    phonetic_depth_ = 0;
    value_.clear();
    const std::string_view r = attrs.get("r");
    if (r.empty()) {
        column_ = next_column_;
    } else {
        column_ = column_number(letters_of(r));
        if (column_ == 0) {
            column_ = next_column_;
            fail(fmt::format("cell reference '{}' is not valid", r));
        }
    }
    if (column_ > kMaxExcelColumn) {
        fail(fmt::format("cell in column {} is beyond Excel's last column XFD", column_));
    }
    next_column_ = column_ + 1;
    const std::string_view t = attrs.get("t");
    if (t.empty() || t == "n") {
        type_ = Type::number;
    } else if (t == "s") {
        type_ = Type::shared;
    } else if (t == "inlineStr") {
        type_ = Type::inline_string;
    } else if (t == "str") {
        type_ = Type::string;
    } else if (t == "b") {
        type_ = Type::boolean;
    } else if (t == "e") {
        type_ = Type::error;
    } else if (t == "d") {
        type_ = Type::date;
    } else {
        fail(fmt::format("cell {} has unknown type '{}'", cell_ref(), t));
        type_ = Type::string;
    }
    style_ = 0;
    const std::string_view s = attrs.get("s");
    std::from_chars(s.data(), s.data() + s.size(), style_);
}

void SheetParser::finish_cell() {
    in_cell_ = in_value_ = in_inline_ = in_text_ = false;
    if (!row_.problem.empty()) {
        return;
    }
    if (type_ == Type::inline_string || (type_ == Type::string && has_inline_)) {
        if (has_inline_ || has_value_) {
            add_value(CellKind::text, value_);
        }
        return;
    }
    if (!has_value_) {
        return;  // formatted but empty, or a formula without a cached value
    }
    const std::string_view v = value_;
    switch (type_) {
        case Type::string:
        case Type::inline_string:
        case Type::error:
            add_value(CellKind::text, v);
            return;
        case Type::shared: {
            std::size_t index = 0;
            const std::string_view digits = trim(v);
            auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
            if (ec != std::errc() || ptr != digits.data() + digits.size() ||
                index >= strings_.size()) {
                fail(fmt::format("cell {}: shared string index '{}' is out of range ({} strings)",
                                 cell_ref(), digits, strings_.size()));
                return;
            }
            add_value(CellKind::text, strings_.at(index));
            return;
        }
        case Type::boolean: {
            const std::string_view b = trim(v);
            if (b == "1" || b == "true") {
                add_value(CellKind::boolean, "true");
            } else if (b == "0" || b == "false") {
                add_value(CellKind::boolean, "false");
            } else {
                fail(fmt::format("cell {}: '{}' is not a boolean", cell_ref(), b));
            }
            return;
        }
        case Type::date: {
            auto date = iso_date(trim(v));
            if (!date) {
                fail(fmt::format("cell {}: '{}' is not an ISO 8601 date", cell_ref(), trim(v)));
                return;
            }
            add_value(date->first, date->second);
            return;
        }
        case Type::number: {
            const std::string_view number = trim(v);
            if (number.empty()) {
                return;
            }
            if (!is_number(number)) {
                fail(fmt::format("cell {}: '{}' is not a number", cell_ref(), number));
                return;
            }
            const NumberFormat format = styles_.format_of(style_);
            if (format != NumberFormat::number) {
                auto date =
                    excel_serial_to_date(number, date1904_, format == NumberFormat::date_time);
                if (date) {
                    add_value(date->kind, date->text);
                    return;
                }
            }
            add_value(CellKind::number, number);
            return;
        }
    }
}

void SheetParser::add_value(CellKind kind, std::string_view text) {
    if (row_text_.size() + text.size() > limits_.max_row_bytes) {
        fail(fmt::format("row {} is over the limit of {} bytes (max_row_bytes)", row_number_,
                         limits_.max_row_bytes));
        return;
    }
    if (!pending_.empty() && pending_.back().column >= column_) {
        sorted_ = false;
    }
    pending_.push_back({column_, kind, row_text_.size(), text.size()});
    row_text_.append(text);
}

void SheetParser::fail(std::string problem) {
    if (row_.problem.empty()) {
        row_.problem = std::move(problem);
    }
}

std::string SheetParser::cell_ref() const {
    return column_letters(column_) + std::to_string(row_number_);
}

void SheetParser::finish_row() {
    in_row_ = false;
    if (!sorted_) {
        std::stable_sort(pending_.begin(), pending_.end(),
                         [](const Pending& a, const Pending& b) { return a.column < b.column; });
        for (std::size_t i = 1; i < pending_.size(); ++i) {
            if (pending_[i].column == pending_[i - 1].column) {
                fail(fmt::format("cell {}{} appears twice", column_letters(pending_[i].column),
                                 row_number_));
                break;
            }
        }
    }
    if (pending_.empty() && row_.problem.empty()) {
        return;
    }
    row_.number = row_number_;
    row_.cells.clear();
    for (const Pending& p : pending_) {
        row_.cells.push_back(
            {p.column, p.kind, std::string_view(row_text_).substr(p.offset, p.size)});
    }
    if (!sink_.on_row(row_)) {
        parser().suspend();
    }
}

}  // namespace cs::xlsx
