#include "relay/recon/vendor_file_reader.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <span>

#include <fmt/format.h>

#include "common/csv/csv_reader.hpp"
#include "common/parse/date_formats.hpp"
#include "common/parse/number_parse.hpp"
#include "common/text/spaces.hpp"
#include "common/xlsx/xlsx_reader.hpp"

namespace cs::relay::recon {
namespace {

// The contract fields a column can give, in the order messages list them.
enum class Field : std::uint8_t {
    contract_no,
    vendor_id,
    vendor_item,
    description,
    vendor_uom,
    unit_size,
    price,
    currency,
    effective_start,
    effective_end,
    count,
};
constexpr std::size_t kFields = static_cast<std::size_t>(Field::count);

constexpr std::array<std::string_view, kFields> kFieldNames = {
    "contract_no", "vendor_id", "vendor_item", "description",     "vendor_uom",
    "unit_size",   "price",     "currency",    "effective_start", "effective_end"};

// Header names per field, lower case with everything but letters and digits removed.
struct Alias {
    std::string_view name;
    Field field;
};
constexpr Alias kAliases[] = {
    {"contract", Field::contract_no},
    {"contractno", Field::contract_no},
    {"contractnumber", Field::contract_no},
    {"contractid", Field::contract_no},
    {"agreement", Field::contract_no},
    {"agreementno", Field::contract_no},
    {"vendor", Field::vendor_id},
    {"vendorid", Field::vendor_id},
    {"vendorcode", Field::vendor_id},
    {"vendorno", Field::vendor_id},
    {"vendornumber", Field::vendor_id},
    {"supplier", Field::vendor_id},
    {"supplierid", Field::vendor_id},
    {"item", Field::vendor_item},
    {"itemid", Field::vendor_item},
    {"itemno", Field::vendor_item},
    {"itemnumber", Field::vendor_item},
    {"vendoritem", Field::vendor_item},
    {"vendoritemno", Field::vendor_item},
    {"vendoritemnumber", Field::vendor_item},
    {"vendorpartno", Field::vendor_item},
    {"part", Field::vendor_item},
    {"partno", Field::vendor_item},
    {"partnumber", Field::vendor_item},
    {"supplierpartno", Field::vendor_item},
    {"sku", Field::vendor_item},
    {"catalogno", Field::vendor_item},
    {"catalognumber", Field::vendor_item},
    {"description", Field::description},
    {"desc", Field::description},
    {"itemdescription", Field::description},
    {"itemdesc", Field::description},
    {"uom", Field::vendor_uom},
    {"um", Field::vendor_uom},
    {"unit", Field::vendor_uom},
    {"unitofmeasure", Field::vendor_uom},
    {"unitsize", Field::unit_size},
    {"packsize", Field::unit_size},
    {"packqty", Field::unit_size},
    {"unitsperpack", Field::unit_size},
    {"qtyperuom", Field::unit_size},
    {"qtyperunit", Field::unit_size},
    {"price", Field::price},
    {"unitprice", Field::price},
    {"contractprice", Field::price},
    {"netprice", Field::price},
    {"cost", Field::price},
    {"unitcost", Field::price},
    {"netcost", Field::price},
    {"currency", Field::currency},
    {"currencycode", Field::currency},
    {"curr", Field::currency},
    {"start", Field::effective_start},
    {"startdate", Field::effective_start},
    {"effectivestart", Field::effective_start},
    {"effectivedate", Field::effective_start},
    {"effectivefrom", Field::effective_start},
    {"validfrom", Field::effective_start},
    {"from", Field::effective_start},
    {"end", Field::effective_end},
    {"enddate", Field::effective_end},
    {"effectiveend", Field::effective_end},
    {"effectiveto", Field::effective_end},
    {"expiration", Field::effective_end},
    {"expirationdate", Field::effective_end},
    {"expires", Field::effective_end},
    {"expiry", Field::effective_end},
    {"validto", Field::effective_end},
    {"validuntil", Field::effective_end},
    {"to", Field::effective_end},
};

// UOM words vendors write, as P21 codes (the contract preset maps the same).
constexpr std::pair<std::string_view, std::string_view> kUomWords[] = {
    {"EACH", "EA"}, {"CASE", "CS"}, {"BOX", "BX"}, {"PACK", "PK"}, {"DOZEN", "DZ"}};

// Raw rows shown in errors keep this much.
constexpr std::size_t kMaxRawBytes = 2048;

std::string header_key(std::string_view name) {
    std::string out;
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out.push_back(c);
        }
    }
    return out;
}

std::string upper_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

bool is_xlsx(std::string_view bytes) {
    return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

// The delimiter of a CSV file: whichever of , ; tab | occurs most in its first
// line outside quotes (a comma when none does).
char sniff_delimiter(std::string_view bytes) {
    std::array<std::size_t, 4> counts{};
    constexpr std::array<char, 4> kCandidates = {',', ';', '\t', '|'};
    bool quoted = false;
    for (std::size_t i = 0; i < bytes.size() && i < 64 * 1024; ++i) {
        char c = bytes[i];
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            break;
        } else if (!quoted) {
            for (std::size_t k = 0; k < kCandidates.size(); ++k) {
                counts[k] += c == kCandidates[k] ? 1 : 0;
            }
        }
    }
    std::size_t best = 0;
    for (std::size_t k = 1; k < kCandidates.size(); ++k) {
        if (counts[k] > counts[best]) {
            best = k;
        }
    }
    return kCandidates[best];
}

// A vendor file in memory, or on disk (an upload the server streamed there).
struct Source {
    std::string_view name;
    std::string_view head;  // its first bytes: the whole buffer, or up to 64 KiB of the file
    std::string_view bytes;
    const std::filesystem::path* path = nullptr;  // set: read from here, not `bytes`
};

Expected<std::unique_ptr<RowReader>> open_reader(const Source& source, const IngestLimits& limits,
                                                 std::string& format) {
    // (A head of 64 KiB of blanks may go on with text; only a shorter one is
    // the whole file.)
    if (source.head.size() < 64 * 1024 && text::trim_spaces(source.head).empty()) {
        return make_error(ErrorCode::parse_error,
                          "{} is empty: a contract file has a header line (such as Vendor, Item "
                          "ID, UOM, Price) and a line per contract item",
                          source.name);
    }
    if (is_xlsx(source.head)) {
        format = "xlsx";
        XlsxOptions options;
        options.limits.max_cell_bytes = limits.max_field_bytes * 4;
        auto reader = source.path != nullptr ? XlsxReader::open(*source.path, options)
                                             : XlsxReader::from_buffer(
                                                   source.bytes, std::string(source.name), options);
        if (!reader) {
            return std::move(reader).error();
        }
        return std::unique_ptr<RowReader>(std::move(*reader));
    }
    format = "csv";
    // People upload the wrong file: say so in words rather than show its bytes
    // as lines of text. A NUL byte never occurs in CSV text, only in binary
    // files (PDF, images, old .xls) and UTF-16 text, which starts with a BOM.
    bool utf16_bom = source.head.starts_with("\xFF\xFE") || source.head.starts_with("\xFE\xFF");
    if (!utf16_bom && source.head.find('\0') != std::string_view::npos) {
        return make_error(ErrorCode::parse_error,
                          "{} is not a CSV or XLSX file (it holds binary data): save the sheet as "
                          ".xlsx or .csv and upload that",
                          source.name);
    }
    CsvOptions options;
    options.delimiter = sniff_delimiter(source.head);
    options.limits.max_field_bytes = limits.max_field_bytes * 4;
    auto reader = source.path != nullptr
                      ? CsvReader::open(*source.path, options)
                      : CsvReader::from_buffer(source.bytes, std::string(source.name), options);
    if (!reader) {
        return std::move(reader).error();
    }
    return std::unique_ptr<RowReader>(std::move(*reader));
}

// Reads the cells of one row into typed contract fields.
class LineParser {
public:
    LineParser(const std::array<int, kFields>& columns, const ReadOptions& options)
        : columns_(columns), options_(options) {
        numbers_.decimal_comma = options.decimal_comma;
    }

    // Fills `line` or returns the first problem found.
    std::optional<LineError> parse(std::span<const RawCell> cells, ContractLine& line) const {
        std::optional<LineError> error;
        auto fail = [&](Field field, std::string message) {
            if (!error) {
                error =
                    LineError{line.line, std::string(kFieldNames[static_cast<std::size_t>(field)]),
                              std::move(message), ""};
            }
        };
        auto text_of = [&](Field field, std::string& out, bool required) {
            RawCell cell = cell_of(cells, field);
            std::string_view value = text::trim_spaces(cell.text);
            if (value.size() > options_.limits.max_field_bytes) {
                fail(field, fmt::format("longer than {} bytes", options_.limits.max_field_bytes));
                return;
            }
            if (value.find('\0') != std::string_view::npos) {
                fail(field, "contains a NUL character");
                return;
            }
            out = std::string(value);
            if (required && out.empty()) {
                fail(field, "is empty");
            }
        };
        text_of(Field::vendor_item, line.vendor_item, true);
        text_of(Field::vendor_id, line.vendor_id, false);
        if (line.vendor_id.empty() && options_.vendor_id) {
            line.vendor_id = *options_.vendor_id;
        }
        line.vendor_id = upper_ascii(line.vendor_id);
        if (line.vendor_id.empty()) {
            fail(Field::vendor_id, "is empty (name the vendor in the file or with the upload)");
        }
        text_of(Field::contract_no, line.contract_no, false);
        if (line.contract_no.empty() && options_.contract_no) {
            line.contract_no = *options_.contract_no;
        }
        line.contract_no = upper_ascii(line.contract_no);
        if (line.contract_no.empty()) {
            fail(Field::contract_no, "is empty");
        }
        text_of(Field::description, line.description, false);
        text_of(Field::vendor_uom, line.vendor_uom, false);
        line.vendor_uom = upper_ascii(line.vendor_uom);
        for (const auto& [word, code] : kUomWords) {
            if (line.vendor_uom == word) {
                line.vendor_uom = code;
            }
        }
        if (line.vendor_uom.empty()) {
            line.vendor_uom = "EA";
        }
        text_of(Field::currency, line.currency, false);
        line.currency = upper_ascii(line.currency);
        if (!line.currency.empty() && !is_currency(line.currency)) {
            fail(Field::currency,
                 fmt::format("'{}' is not a three-letter currency code (ISO 4217)", line.currency));
        }
        if (auto price = number(cells, Field::price, true, fail)) {
            if (price->sign() < 0) {
                fail(Field::price, fmt::format("'{}' is negative", price->to_string()));
            }
            line.price = *price;
        }
        line.unit_size = number(cells, Field::unit_size, false, fail);
        if (line.unit_size && line.unit_size->sign() <= 0) {
            fail(Field::unit_size,
                 fmt::format("'{}' is not a positive unit size", line.unit_size->to_string()));
        }
        line.effective_start = date(cells, Field::effective_start, fail);
        line.effective_end = date(cells, Field::effective_end, fail);
        if (line.effective_start && line.effective_end &&
            *line.effective_end < *line.effective_start) {
            fail(Field::effective_end,
                 fmt::format("{} is before the start {}", line.effective_end->to_iso(),
                             line.effective_start->to_iso()));
        }
        return error;
    }

private:
    RawCell cell_of(std::span<const RawCell> cells, Field field) const {
        int column = columns_[static_cast<std::size_t>(field)];
        if (column < 0 || static_cast<std::size_t>(column) >= cells.size()) {
            return {};
        }
        return cells[static_cast<std::size_t>(column)];
    }

    static bool is_currency(std::string_view code) {
        return code.size() == 3 &&
               std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    }

    template <typename Fail>
    std::optional<Decimal> number(std::span<const RawCell> cells, Field field, bool required,
                                  Fail& fail) const {
        RawCell cell = cell_of(cells, field);
        std::string_view value = text::trim_spaces(cell.text);
        if (value.empty()) {
            if (required) {
                fail(field, "is empty");
            }
            return std::nullopt;
        }
        if (cell.kind == CellKind::boolean || cell.kind == CellKind::date ||
            cell.kind == CellKind::datetime) {
            fail(field,
                 fmt::format("'{}' is a {} cell, not a number", value, to_string(cell.kind)));
            return std::nullopt;
        }
        const auto& syntax =
            cell.kind == CellKind::number ? parse::plain_number_syntax() : numbers_;
        parse::ParsedNumber parsed;
        parse::NumberError why;
        if (!parse::parse_number(value, syntax, parsed, why)) {
            fail(field, parse::describe(value, why));
            return std::nullopt;
        }
        if (parsed.percent_sign) {
            fail(field, fmt::format("'{}' is a percentage, not an amount", value));
            return std::nullopt;
        }
        auto decimal = Decimal::from_units(parsed.units, parsed.scale);
        if (!decimal) {
            fail(field, fmt::format("'{}': {}", value, decimal.error().message));
            return std::nullopt;
        }
        return *decimal;
    }

    template <typename Fail>
    std::optional<Date> date(std::span<const RawCell> cells, Field field, Fail& fail) const {
        RawCell cell = cell_of(cells, field);
        std::string_view value = text::trim_spaces(cell.text);
        if (value.empty()) {
            return std::nullopt;
        }
        parse::DateTimeParts parts;
        std::string why;
        bool read = false;
        if (cell.kind == CellKind::date || cell.kind == CellKind::datetime) {
            read = parse::parse_iso8601(value, parts);
        } else if (cell.kind == CellKind::number) {
            read = parse::excel_serial_to_parts(value, parts, why);
        } else if (cell.kind == CellKind::text) {
            for (const auto& format : parse::builtin_date_formats(options_.day_first)) {
                if (format.match(value, parts)) {
                    read = true;
                    break;
                }
            }
        }
        if (!read) {
            fail(field, why.empty() ? fmt::format("'{}' is not a date ({} or YYYY-MM-DD)", value,
                                                  options_.day_first ? "DD/MM/YYYY" : "MM/DD/YYYY")
                                    : why);
            return std::nullopt;
        }
        return Date{parts.days};
    }

    std::array<int, kFields> columns_;
    const ReadOptions& options_;
    parse::NumberOptions numbers_;
};

std::string bounded_raw(std::string_view raw) {
    return std::string(raw.substr(0, kMaxRawBytes));
}

std::string line_identity(const ContractLine& line) {
    std::string key = line.vendor_id;
    for (const std::string* part : {&line.contract_no, &line.vendor_item, &line.vendor_uom}) {
        key.push_back('\x1f');
        key += *part;
    }
    return key;
}

}  // namespace

std::string LineError::describe(std::string_view file_name) const {
    if (field.empty()) {
        return fmt::format("{}:{}: {}", file_name, line, message);
    }
    return fmt::format("{}:{}: {}: {}", file_name, line, field, message);
}

namespace {

// Everything after the size check: columns by header name, then line by line.
Expected<ReadResult> read_source(const Source& source, const ReadOptions& options) {
    std::string_view file_name = source.name;
    ReadResult result;
    auto reader = open_reader(source, options.limits, result.format);
    if (!reader) {
        return std::move(reader).error();
    }
    result.columns = (*reader)->columns();

    std::array<int, kFields> columns;
    columns.fill(-1);
    for (std::size_t i = 0; i < result.columns.size(); ++i) {
        std::string key = header_key(result.columns[i]);
        for (const Alias& alias : kAliases) {
            if (alias.name != key) {
                continue;
            }
            auto slot = static_cast<std::size_t>(alias.field);
            if (columns[slot] >= 0) {
                return make_error(ErrorCode::parse_error,
                                  "{}: columns '{}' and '{}' both give the {}", file_name,
                                  result.columns[static_cast<std::size_t>(columns[slot])],
                                  result.columns[i], kFieldNames[slot]);
            }
            columns[slot] = static_cast<int>(i);
        }
    }
    auto missing = [&](Field field, std::string_view examples) -> Status {
        if (columns[static_cast<std::size_t>(field)] >= 0) {
            return ok();
        }
        return make_error(ErrorCode::parse_error,
                          "{}: no {} column (expected a header such as {}; found: {})", file_name,
                          kFieldNames[static_cast<std::size_t>(field)], examples,
                          fmt::join(result.columns, ", "));
    };
    if (auto s = missing(Field::vendor_item, "'Item ID', 'Part Number' or 'Vendor Item'"); !s) {
        return std::move(s).error();
    }
    if (auto s = missing(Field::price, "'Price', 'Unit Price' or 'Contract Price'"); !s) {
        return std::move(s).error();
    }
    if (!options.vendor_id) {
        if (auto s = missing(Field::vendor_id, "'Vendor' or 'Supplier', or name the vendor"); !s) {
            return std::move(s).error();
        }
    }
    if (!options.contract_no) {
        if (auto s = missing(Field::contract_no, "'Contract #', or name the contract"); !s) {
            return std::move(s).error();
        }
    }

    LineParser parser(columns, options);
    std::map<std::string, std::uint64_t> seen;  // line identity -> first line
    auto reject = [&](LineError error) {
        ++result.lines_rejected;
        if (result.errors.size() < options.limits.max_errors_kept) {
            result.errors.push_back(std::move(error));
        }
    };
    RawBatch batch;
    bool more = true;
    while (more) {
        auto read = (*reader)->read(batch, 4096);
        if (!read) {
            return std::move(read).error();
        }
        more = *read;
        // A batch's rejects and refused rows are reported in line order.
        std::vector<LineError> batch_errors;
        for (const auto& rejected : batch.rejected()) {
            ++result.lines_total;
            batch_errors.push_back(
                LineError{rejected.location.line, "", rejected.error, bounded_raw(rejected.raw)});
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            auto cells = batch.row(i);
            bool blank = std::all_of(cells.begin(), cells.end(), [](const RawCell& c) {
                return text::trim_spaces(c.text).empty();
            });
            if (blank) {
                continue;
            }
            ++result.lines_total;
            if (result.lines_total > options.limits.max_lines) {
                return make_error(ErrorCode::limit_exceeded,
                                  "{}: more than {} lines; split the file", file_name,
                                  options.limits.max_lines);
            }
            ContractLine line;
            line.line = batch.location(i).line;
            if (auto error = parser.parse(cells, line)) {
                error->raw = bounded_raw(batch.raw(i));
                batch_errors.push_back(std::move(*error));
                continue;
            }
            auto [it, inserted] = seen.emplace(line_identity(line), line.line);
            if (!inserted) {
                batch_errors.push_back(
                    LineError{line.line, "",
                              fmt::format("repeats line {} (same vendor, contract, item and UOM)",
                                          it->second),
                              bounded_raw(batch.raw(i))});
                continue;
            }
            result.lines.push_back(std::move(line));
        }
        std::stable_sort(batch_errors.begin(), batch_errors.end(),
                         [](const LineError& a, const LineError& b) { return a.line < b.line; });
        for (auto& e : batch_errors) {
            reject(std::move(e));
        }
    }
    return result;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); !from.empty() && at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

}  // namespace

Expected<ReadResult> read_vendor_file(std::string_view file_name, std::string_view bytes,
                                      const ReadOptions& options) {
    if (bytes.size() > options.limits.max_file_bytes) {
        return make_error(ErrorCode::limit_exceeded, "{}: {} bytes, more than the {} allowed",
                          file_name, bytes.size(), options.limits.max_file_bytes);
    }
    return read_source(Source{file_name, bytes, bytes, nullptr}, options);
}

Expected<ReadResult> read_vendor_file_at(std::string_view file_name,
                                         const std::filesystem::path& path,
                                         const ReadOptions& options) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return make_error(ErrorCode::io_error, "{}: {}", file_name, ec.message());
    }
    if (size > options.limits.max_file_bytes) {
        return make_error(ErrorCode::limit_exceeded, "{}: {} bytes, more than the {} allowed",
                          file_name, size, options.limits.max_file_bytes);
    }
    std::string head(64 * 1024, '\0');
    {
        std::ifstream in(path, std::ios::binary);
        in.read(head.data(), static_cast<std::streamsize>(head.size()));
        head.resize(static_cast<std::size_t>(in.gcount()));
    }
    auto result = read_source(Source{file_name, head, {}, &path}, options);
    if (!result) {
        // The readers name the file by its path, which here is a staging
        // file's: users know it by the name they gave.
        auto error = std::move(result).error();
        error.message = replace_all(std::move(error.message), path.string(), file_name);
        return error;
    }
    return result;
}

}  // namespace cs::relay::recon
