#include "common/csv/csv_reader.hpp"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "common/text/utf8.hpp"
#include "common/text/windows_1252.hpp"

namespace cs {
namespace {

// A rejected record keeps this much of its raw bytes: enough for a person to
// recognise it, bounded whatever the record limit.
constexpr std::size_t kMaxRejectRaw = 64 * 1024;

std::string_view trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n\v\f";
    const std::size_t first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

text::Encoding effective_encoding(const CsvOptions& options, text::Bom bom) {
    // A BOM is better evidence than configuration: the file says what it is.
    return bom == text::Bom::none ? options.encoding : text::Encoding::utf8;
}

}  // namespace

CsvReader::CsvReader(csv::Input input, const CsvOptions& options)
    : options_(options),
      input_(std::move(input)),
      parser_(options.delimiter, options.quote, options.limits.max_columns),
      decoder_(options.encoding) {}

Expected<std::unique_ptr<CsvReader>> CsvReader::open(const std::filesystem::path& path,
                                                     const CsvOptions& options) {
    if (auto s = validate(options); !s) {
        return std::move(s).error().wrap(path.string());
    }
    auto input = csv::Input::open_file(path, options.limits.read_chunk_bytes);
    if (!input) {
        return std::move(input).error();
    }
    return start(std::unique_ptr<CsvReader>(new CsvReader(std::move(*input), options)));
}

Expected<std::unique_ptr<CsvReader>> CsvReader::from_buffer(std::string_view bytes,
                                                            std::string name,
                                                            const CsvOptions& options) {
    if (auto s = validate(options); !s) {
        return std::move(s).error().wrap(name);
    }
    auto input = csv::Input::from_buffer(bytes, std::move(name), options.limits.read_chunk_bytes);
    return start(std::unique_ptr<CsvReader>(new CsvReader(std::move(input), options)));
}

Expected<std::unique_ptr<CsvReader>> CsvReader::start(std::unique_ptr<CsvReader> reader) {
    if (auto s = reader->input_.start(); !s) {
        return std::move(s).error();
    }
    reader->decoder_ =
        text::FieldDecoder(effective_encoding(reader->options_, reader->input_.bom()));
    if (auto s = reader->skip_preamble(); !s) {
        return std::move(s).error();
    }
    if (reader->options_.header) {
        if (auto s = reader->read_header(); !s) {
            return std::move(s).error();
        }
    }
    return reader;
}

Status CsvReader::skip_preamble() {
    std::size_t skipped = 0;
    while (skipped < options_.skip_lines) {
        const std::string_view window = input_.window();
        const std::size_t at = window.find_first_of("\r\n", input_.pos());
        if (at == std::string_view::npos ||
            (window[at] == '\r' && at + 1 == window.size() && !input_.eof())) {
            if (at == std::string_view::npos) {
                input_.consume_all();
            } else {
                input_.consume_to(at);  // keep the CR until we know whether LF follows
            }
            if (input_.eof()) {
                return ok();
            }
            auto more = input_.fill();
            if (!more) {
                return std::move(more).error();
            }
            continue;
        }
        std::size_t next = at + 1;
        if (window[at] == '\r' && next < window.size() && window[next] == '\n') {
            ++next;
        }
        input_.consume_to(next);
        ++line_;
        ++skipped;
    }
    return ok();
}

Status CsvReader::read_header() {
    for (;;) {
        auto step = next_record();
        if (!step) {
            return std::move(step).error();
        }
        if (*step == Step::end) {
            return make_error(ErrorCode::parse_error, "{}: no header row{}", input_.name(),
                              options_.skip_lines > 0
                                  ? fmt::format(" after skipping {} lines", options_.skip_lines)
                                  : std::string(" (the file is empty)"));
        }
        if (*step == Step::skipped) {
            return make_error(ErrorCode::limit_exceeded, "{}:{}: header: {}", input_.name(),
                              pending_reject_.location.line, pending_reject_.error);
        }
        const std::size_t start = input_.pos();
        const std::uint64_t line = line_;
        line_ += parsed_.inner_line_breaks + (parsed_.terminated ? 1 : 0);
        input_.consume_to(parsed_.next);
        if (blank()) {
            continue;
        }
        const std::string_view window = input_.window();
        const std::string problem =
            record_problem(window.substr(start, parsed_.content_end - start));
        if (!problem.empty()) {
            return make_error(ErrorCode::parse_error, "{}:{}: header: {}", input_.name(), line,
                              problem);
        }
        std::unordered_map<std::string_view, std::size_t> seen;
        columns_.clear();
        columns_.reserve(parsed_.field_count);
        for (std::size_t i = 0; i < parsed_.field_count; ++i) {
            auto text = decoder_.decode(
                parser_.field_text(window, parsed_.fields[i], unescape_scratch_), decode_scratch_);
            if (!text) {
                return make_error(ErrorCode::parse_error, "{}:{}: header column {}: {}",
                                  input_.name(), line, i + 1, text.error().message);
            }
            std::string_view name = trim(*text);
            if (name.substr(0, 3) == "\xEF\xBB\xBF") {
                name = trim(name.substr(3));
            }
            if (name.empty()) {
                return make_error(ErrorCode::parse_error, "{}:{}: header column {} has no name",
                                  input_.name(), line, i + 1);
            }
            columns_.emplace_back(name);
        }
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            auto [it, fresh] = seen.emplace(columns_[i], i);
            if (!fresh) {
                return make_error(ErrorCode::parse_error,
                                  "{}:{}: header column {} '{}' repeats column {}", input_.name(),
                                  line, i + 1, columns_[i], it->second + 1);
            }
        }
        return ok();
    }
}

Expected<CsvReader::Step> CsvReader::next_record() {
    for (;;) {
        const std::string_view window = input_.window();
        if (input_.pos() < window.size()) {
            result_ = parser_.parse(window, input_.pos(), input_.eof(), parsed_);
            if (result_ != csv::ParseResult::need_more) {
                return Step::parsed;
            }
            // The limit is on the content; a record of exactly the limit may
            // still be waiting for the second byte of its CRLF. Deciding only
            // past that keeps the outcome independent of chunk boundaries.
            if (window.size() - input_.pos() > options_.limits.max_record_bytes + 2) {
                return skip_oversized();
            }
        } else if (input_.eof()) {
            return Step::end;
        }
        auto more = input_.fill();
        if (!more) {
            return std::move(more).error();
        }
    }
}

Expected<CsvReader::Step> CsvReader::skip_oversized() {
    const std::uint64_t line = line_;
    csv::RecordSkipper skipper(options_.delimiter, options_.quote);
    std::string kept;
    std::uint64_t total = 0;
    for (;;) {
        const std::string_view rest = input_.window().substr(input_.pos());
        const std::size_t used = skipper.feed(rest);
        if (kept.size() < kMaxRejectRaw) {
            kept.append(rest.substr(0, std::min(used, kMaxRejectRaw - kept.size())));
        }
        total += used;
        input_.consume_to(input_.pos() + used);
        if (skipper.done() || input_.eof()) {
            break;
        }
        auto more = input_.fill();
        if (!more) {
            return std::move(more).error();
        }
    }
    line_ += skipper.inner_line_breaks() + (skipper.done() ? 1 : 0);
    // Same message and raw bytes as a record that fitted in the window, so the
    // outcome does not depend on where chunk boundaries fell.
    std::string error =
        !skipper.done() && skipper.in_quotes()
            ? fmt::format("quoted field {} is never closed (the file ends inside it)",
                          skipper.field_number())
            : fmt::format("record is over the limit of {} bytes (max_record_bytes)",
                          options_.limits.max_record_bytes);
    std::string_view raw = kept;
    if (total == kept.size()) {
        raw.remove_suffix(skipper.terminator_bytes());
    }
    pending_reject_ = make_reject(RowLocation{line, ++records_, 0}, std::move(error), raw);
    return Step::skipped;
}

Expected<bool> CsvReader::read(RawBatch& batch, std::size_t max_rows) {
    batch.clear();
    batch.set_columns(columns_);
    if (done_) {
        return false;
    }
    std::size_t reject_bytes = 0;
    while (batch.size() < max_rows &&
           batch.arena_bytes() + reject_bytes < options_.limits.max_batch_bytes) {
        auto step = next_record();
        if (!step) {
            return std::move(step).error();
        }
        if (*step == Step::end) {
            done_ = true;
            return false;
        }
        if (*step == Step::skipped) {
            reject_bytes += pending_reject_.raw.size();
            batch.reject(std::move(pending_reject_));
            continue;
        }
        const std::size_t start = input_.pos();
        const std::uint64_t line = line_;
        line_ += parsed_.inner_line_breaks + (parsed_.terminated ? 1 : 0);
        input_.consume_to(parsed_.next);
        if (!blank()) {
            emit(batch, start, line, reject_bytes);
        }
    }
    return true;
}

bool CsvReader::blank() const {
    return result_ == csv::ParseResult::record && parsed_.field_count == 1 &&
           !parsed_.fields[0].quoted && parsed_.fields[0].begin == parsed_.fields[0].end;
}

std::string CsvReader::record_problem(std::string_view content) const {
    const CsvLimits& limits = options_.limits;
    if (result_ == csv::ParseResult::unterminated_quote) {
        return fmt::format("quoted field {} is never closed (the file ends inside it)",
                           parsed_.field_count);
    }
    if (content.size() > limits.max_record_bytes) {
        return fmt::format("record is over the limit of {} bytes (max_record_bytes)",
                           limits.max_record_bytes);
    }
    if (parsed_.field_count > limits.max_columns) {
        return fmt::format("found {} fields, more than the limit of {} (max_columns)",
                           parsed_.field_count, limits.max_columns);
    }
    for (std::size_t i = 0; i < parsed_.field_count; ++i) {
        const csv::FieldSpan& f = parsed_.fields[i];
        const std::size_t size = f.end - f.begin - (f.quoted ? 2 : 0);
        if (size > limits.max_field_bytes) {
            return fmt::format("field {} is {} bytes, over the limit of {} (max_field_bytes)",
                               i + 1, size, limits.max_field_bytes);
        }
    }
    return {};
}

void CsvReader::emit(RawBatch& batch, std::size_t start, std::uint64_t line,
                     std::size_t& reject_bytes) {
    const std::string_view window = input_.window();
    const std::string_view content = window.substr(start, parsed_.content_end - start);
    const RowLocation location{line, ++records_, 0};
    auto reject = [&](std::string error) {
        RejectedRow row = make_reject(location, std::move(error), content);
        reject_bytes += row.raw.size();
        batch.reject(std::move(row));
    };
    if (std::string problem = record_problem(content); !problem.empty()) {
        reject(std::move(problem));
        return;
    }
    if (columns_.empty()) {
        for (std::size_t i = 1; i <= parsed_.field_count; ++i) {
            columns_.push_back(fmt::format("column_{}", i));
        }
        batch.set_columns(columns_);
    }
    if (parsed_.field_count != columns_.size()) {
        reject(fmt::format("expected {} fields, found {}", columns_.size(), parsed_.field_count));
        return;
    }
    // One check per record spares the per-field decoding in the common all-ASCII case.
    const bool ascii = text::is_ascii(content);
    batch.begin_row(location);
    for (std::size_t i = 0; i < parsed_.field_count; ++i) {
        const csv::FieldSpan& f = parsed_.fields[i];
        std::string_view text = parser_.field_text(window, f, unescape_scratch_);
        if (!ascii) {
            auto decoded = decoder_.decode(text, decode_scratch_);
            if (!decoded) {
                batch.abandon_row();
                reject(
                    fmt::format("field {} ({}): {}", i + 1, columns_[i], decoded.error().message));
                return;
            }
            text = *decoded;
        }
        const bool empty = !f.quoted && f.begin == f.end;
        batch.add_cell(empty ? CellKind::empty : CellKind::text, text);
    }
    batch.end_row(ascii ? content : raw_text(content));
}

std::string_view CsvReader::raw_text(std::string_view bytes) {
    // Raw rows go to stores that hold UTF-8 text, so they are decoded like fields.
    if (text::is_ascii(bytes)) {
        return bytes;
    }
    raw_scratch_.clear();
    if (decoder_.encoding() == text::Encoding::windows_1252) {
        text::append_windows_1252_as_utf8(bytes, raw_scratch_);
        return raw_scratch_;
    }
    if (text::is_valid_utf8(bytes)) {
        return bytes;
    }
    text::append_utf8_or_1252(bytes, raw_scratch_);
    return raw_scratch_;
}

RejectedRow CsvReader::make_reject(RowLocation location, std::string error, std::string_view raw) {
    return RejectedRow{location, std::move(error),
                       std::string(raw_text(raw.substr(0, std::min(raw.size(), kMaxRejectRaw))))};
}

}  // namespace cs
