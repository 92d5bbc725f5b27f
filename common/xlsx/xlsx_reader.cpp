#include "common/xlsx/xlsx_reader.hpp"

#include <optional>
#include <unordered_map>

#include <fmt/format.h>

#include "common/xlsx/shared_strings.hpp"
#include "common/xlsx/sheet_parser.hpp"
#include "common/xlsx/styles.hpp"
#include "common/xlsx/workbook.hpp"
#include "common/xlsx/xml_parser.hpp"
#include "common/xlsx/zip_archive.hpp"

namespace cs {
namespace {

// A rejected row keeps this much of its CSV rendering.
constexpr std::size_t kMaxRejectRaw = 64 * 1024;

bool same_name(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// The row as one CSV line (RFC 4180 quoting), for failed-row records.
void render_csv(const xlsx::SheetRow& row, std::string& out) {
    out.clear();
    std::uint32_t column = 1;
    for (const xlsx::SheetCell& cell : row.cells) {
        for (; column < cell.column; ++column) {
            out += ',';
        }
        if (cell.text.find_first_of(",\"\r\n") == std::string_view::npos) {
            out += cell.text;
        } else {
            out += '"';
            for (char c : cell.text) {
                out += c;
                if (c == '"') {
                    out += '"';
                }
            }
            out += '"';
        }
    }
}

}  // namespace

struct XlsxReader::Impl final : xlsx::SheetSink {
    XlsxOptions options;
    xlsx::ZipArchive zip;
    xlsx::Workbook book;
    xlsx::SharedStrings strings;
    xlsx::Styles styles;
    const xlsx::SheetInfo* sheet = nullptr;
    std::unique_ptr<xlsx::SheetParser> handler;
    std::unique_ptr<xlsx::XmlParser> parser;
    std::vector<char> chunk;
    bool suspended = false;
    bool final_fed = false;
    bool done = false;

    std::vector<std::string> columns;
    bool header_done = false;
    std::optional<Error> header_error;
    RawBatch* batch = nullptr;
    std::size_t max_rows = 0;
    std::size_t reject_bytes = 0;
    std::uint64_t records = 0;
    std::string raw;

    Impl(const XlsxOptions& o, xlsx::ZipArchive z) : options(o), zip(std::move(z)) {}

    std::string where(std::uint64_t row) const {
        return fmt::format("{}: sheet '{}' row {}", zip.name(), sheet->name, row);
    }

    bool on_row(const xlsx::SheetRow& row) override {
        if (row.number <= options.skip_rows) {
            return true;
        }
        if (options.header && !header_done) {
            header_done = true;
            take_header(row);
            return false;  // open() returns with the header read
        }
        if (columns.empty()) {
            const std::uint32_t last = row.cells.empty() ? 0 : row.cells.back().column;
            const std::size_t width =
                std::min<std::size_t>(std::max<std::size_t>(handler->dimension_columns(), last),
                                      options.limits.max_columns);
            for (std::size_t i = 1; i <= std::max<std::size_t>(width, 1); ++i) {
                columns.push_back(fmt::format("column_{}", i));
            }
            batch->set_columns(columns);
        }
        emit(row);
        return batch->size() < max_rows &&
               batch->arena_bytes() + reject_bytes < options.limits.max_batch_bytes;
    }

    void take_header(const xlsx::SheetRow& row) {
        if (!row.problem.empty()) {
            header_error = make_error(ErrorCode::parse_error, "{}: header: {}", where(row.number),
                                      row.problem);
            return;
        }
        const std::uint32_t width = row.cells.back().column;
        if (width > options.limits.max_columns) {
            header_error = make_error(ErrorCode::limit_exceeded,
                                      "{}: header has {} columns, more than the limit of {} "
                                      "(max_columns)",
                                      where(row.number), width, options.limits.max_columns);
            return;
        }
        std::unordered_map<std::string, std::uint32_t> seen;
        std::uint32_t column = 1;
        for (const xlsx::SheetCell& cell : row.cells) {
            const std::string name(trim(cell.text));
            if (cell.column != column || name.empty()) {
                const std::uint32_t empty_column = cell.column != column ? column : cell.column;
                header_error =
                    make_error(ErrorCode::parse_error, "{}: header cell {}{} is empty",
                               where(row.number), xlsx::column_letters(empty_column), row.number);
                return;
            }
            auto [it, fresh] = seen.emplace(name, column);
            if (!fresh) {
                header_error =
                    make_error(ErrorCode::parse_error, "{}: header cell {}{} '{}' repeats {}{}",
                               where(row.number), xlsx::column_letters(column), row.number, name,
                               xlsx::column_letters(it->second), row.number);
                return;
            }
            columns.push_back(name);
            ++column;
        }
    }

    void reject(const RowLocation& location, std::string error) {
        RejectedRow rejected{location, std::move(error), raw.substr(0, kMaxRejectRaw)};
        reject_bytes += rejected.raw.size();
        batch->reject(std::move(rejected));
    }

    void emit(const xlsx::SheetRow& row) {
        const RowLocation location{row.number, ++records, 0};
        render_csv(row, raw);
        if (!row.problem.empty()) {
            reject(location, row.problem);
            return;
        }
        const xlsx::SheetCell& last = row.cells.back();
        if (last.column > columns.size()) {
            reject(location,
                   fmt::format("cell {}{} holds a value beyond the last column ({}, "
                               "'{}')",
                               xlsx::column_letters(last.column), row.number,
                               xlsx::column_letters(static_cast<std::uint32_t>(columns.size())),
                               columns.back()));
            return;
        }
        batch->begin_row(location);
        std::uint32_t column = 1;
        for (const xlsx::SheetCell& cell : row.cells) {
            for (; column < cell.column; ++column) {
                batch->add_cell(CellKind::empty, {});
            }
            batch->add_cell(cell.kind, cell.text);
            ++column;
        }
        batch->end_row(raw);
    }

    // Feeds the sheet to the parser until a row pauses it (false) or it ends (true).
    Expected<bool> pump() {
        if (suspended) {
            const auto result = parser->resume();
            if (result == xlsx::XmlParser::Result::failed) {
                return sheet_error();
            }
            if (result == xlsx::XmlParser::Result::suspended) {
                return false;
            }
            suspended = false;
            if (final_fed) {
                return true;
            }
        }
        for (;;) {
            auto n = zip.read(chunk.data(), chunk.size());
            if (!n) {
                return std::move(n).error();
            }
            final_fed = *n == 0;
            const auto result = parser->feed({chunk.data(), *n}, final_fed);
            if (result == xlsx::XmlParser::Result::failed) {
                return sheet_error();
            }
            if (result == xlsx::XmlParser::Result::suspended) {
                suspended = true;
                return false;
            }
            if (final_fed) {
                return true;
            }
        }
    }

    Error sheet_error() const {
        return make_error(parser->error_code(), "{}: {} {}", zip.name(), sheet->part,
                          parser->error());
    }
};

XlsxReader::XlsxReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxReader::~XlsxReader() = default;

Expected<std::unique_ptr<XlsxReader>> XlsxReader::open(const std::filesystem::path& path,
                                                       const XlsxOptions& options) {
    auto zip = xlsx::ZipArchive::open_file(path);
    if (!zip) {
        return std::move(zip).error();
    }
    return start(std::make_unique<Impl>(options, std::move(*zip)));
}

Expected<std::unique_ptr<XlsxReader>> XlsxReader::from_buffer(std::string_view bytes,
                                                              std::string name,
                                                              const XlsxOptions& options) {
    auto zip = xlsx::ZipArchive::open_memory(bytes, std::move(name));
    if (!zip) {
        return std::move(zip).error();
    }
    return start(std::make_unique<Impl>(options, std::move(*zip)));
}

Expected<std::unique_ptr<XlsxReader>> XlsxReader::start(std::unique_ptr<Impl> impl) {
    Impl& s = *impl;
    const XlsxLimits& limits = s.options.limits;
    auto book = xlsx::read_workbook(s.zip, limits.max_entry_uncompressed_bytes);
    if (!book) {
        return std::move(book).error();
    }
    s.book = std::move(*book);
    for (const xlsx::SheetInfo& info : s.book.sheets) {
        if (s.options.sheet.empty() || same_name(info.name, s.options.sheet)) {
            s.sheet = &info;
            break;
        }
    }
    if (s.sheet == nullptr) {
        std::string names;
        for (const xlsx::SheetInfo& info : s.book.sheets) {
            names += fmt::format("{}'{}'", names.empty() ? "" : ", ", info.name);
        }
        return make_error(ErrorCode::not_found, "{}: no sheet named '{}' (sheets: {})",
                          s.zip.name(), s.options.sheet, names);
    }
    if (!s.sheet->is_worksheet) {
        return make_error(ErrorCode::invalid_argument,
                          "{}: sheet '{}' is a chart or dialog sheet, not a worksheet",
                          s.zip.name(), s.sheet->name);
    }
    if (!s.book.shared_strings_part.empty() && s.zip.contains(s.book.shared_strings_part)) {
        auto strings = xlsx::read_shared_strings(s.zip, s.book.shared_strings_part,
                                                 limits.max_entry_uncompressed_bytes,
                                                 limits.max_shared_strings_bytes);
        if (!strings) {
            return std::move(strings).error();
        }
        s.strings = std::move(*strings);
    }
    if (!s.book.styles_part.empty() && s.zip.contains(s.book.styles_part)) {
        auto styles =
            xlsx::read_styles(s.zip, s.book.styles_part, limits.max_entry_uncompressed_bytes);
        if (!styles) {
            return std::move(styles).error();
        }
        s.styles = std::move(*styles);
    }
    if (auto opened = s.zip.open_entry(s.sheet->part, limits.max_entry_uncompressed_bytes);
        !opened) {
        return std::move(opened).error();
    }
    s.handler = std::make_unique<xlsx::SheetParser>(
        s.strings, s.styles, s.book.date1904,
        xlsx::SheetLimits{limits.max_cell_bytes, limits.max_row_bytes}, s);
    s.parser = std::make_unique<xlsx::XmlParser>(*s.handler);
    s.chunk.resize(64 * 1024);
    if (s.options.header) {
        RawBatch unused;
        s.batch = &unused;
        auto finished = s.pump();
        s.batch = nullptr;
        if (!finished) {
            return std::move(finished).error();
        }
        if (s.header_error) {
            return std::move(*s.header_error);
        }
        if (!s.header_done) {
            return make_error(ErrorCode::parse_error, "{}: sheet '{}' has no header row{}",
                              s.zip.name(), s.sheet->name,
                              s.options.skip_rows > 0
                                  ? fmt::format(" after row {}", s.options.skip_rows)
                                  : std::string(" (the sheet is empty)"));
        }
        s.done = *finished;
    }
    return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

Expected<bool> XlsxReader::read(RawBatch& batch, std::size_t max_rows) {
    Impl& s = *impl_;
    batch.clear();
    batch.set_columns(s.columns);
    if (s.done || max_rows == 0) {
        return !s.done;
    }
    s.batch = &batch;
    s.max_rows = max_rows;
    s.reject_bytes = 0;
    auto finished = s.pump();
    s.batch = nullptr;
    if (!finished) {
        return std::move(finished).error();
    }
    s.done = *finished;
    return !s.done;
}

const std::vector<std::string>& XlsxReader::columns() const {
    return impl_->columns;
}

std::vector<std::string> XlsxReader::sheet_names() const {
    std::vector<std::string> names;
    for (const auto& info : impl_->book.sheets) {
        names.push_back(info.name);
    }
    return names;
}

const std::string& XlsxReader::sheet_name() const {
    return impl_->sheet->name;
}

bool XlsxReader::date1904() const {
    return impl_->book.date1904;
}

}  // namespace cs
