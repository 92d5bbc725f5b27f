#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cs::csv {

// One field as found in the buffer; offsets are from the start of the parsed window.
struct FieldSpan {
    std::size_t begin = 0;
    std::size_t end = 0;  // past the last byte, closing quote and any trailing text included
    bool quoted = false;
    bool needs_unescape = false;  // doubled quotes or text after the closing quote
};

struct ParsedRecord {
    std::vector<FieldSpan> fields;        // the first max_fields + 1 spans only
    std::size_t field_count = 0;          // every field, kept or not
    std::size_t content_end = 0;          // where the line break (or the input) starts
    std::size_t next = 0;                 // where the following record starts
    std::uint64_t inner_line_breaks = 0;  // inside quoted fields
    bool terminated = false;              // ended by a line break rather than end of input
};

enum class ParseResult : std::uint8_t { record, need_more, unterminated_quote };

// RFC 4180 records with two leniencies real files need: a quote inside an
// unquoted field is a literal character, and text after a closing quote is
// appended to the field. LF, CRLF and a lone CR all end a record.
class RecordParser {
public:
    RecordParser(char delimiter, char quote, std::size_t max_fields);

    // Parses the record starting at `begin`. Without `eof`, a record that reaches
    // the end of `data` is incomplete (need_more); with it, the input's end ends
    // the record, or leaves a quote unterminated (then `next` is data.size()).
    ParseResult parse(std::string_view data, std::size_t begin, bool eof, ParsedRecord& out) const;

    // The field's text: a view into `data` when it needs no rewriting, else the
    // unescaped text written to `scratch`.
    std::string_view field_text(std::string_view data, const FieldSpan& field,
                                std::string& scratch) const {
        if (!field.quoted) {
            return data.substr(field.begin, field.end - field.begin);
        }
        if (!field.needs_unescape) {
            return data.substr(field.begin + 1, field.end - field.begin - 2);
        }
        return unescape(data, field, scratch);
    }

private:
    std::string_view unescape(std::string_view data, const FieldSpan& field,
                              std::string& scratch) const;
    const char* find_break(const char* p, const char* end) const;

    std::array<bool, 256> breaks_{};  // delimiter, CR and LF
    char delimiter_;
    char quote_;
    std::size_t max_fields_;
};

// Walks over a record too large to buffer, with the same quoting rules as
// RecordParser, so the inside of a quoted field is never read as new records.
class RecordSkipper {
public:
    RecordSkipper(char delimiter, char quote) : delimiter_(delimiter), quote_(quote) {}

    // Consumes bytes of the record; returns how many belong to it. done() turns
    // true once its line break has been consumed.
    std::size_t feed(std::string_view bytes);
    // At end of input the record ends wherever the skipper is.
    bool done() const { return state_ == State::done; }
    bool in_quotes() const { return state_ == State::quoted || state_ == State::quote_in_quoted; }
    std::uint64_t inner_line_breaks() const { return inner_line_breaks_; }
    // 1-based number of the field the skipper is in (or ended in).
    std::size_t field_number() const { return fields_; }
    // Bytes of the line break that ended the record (0 before done()).
    std::size_t terminator_bytes() const { return terminator_bytes_; }

private:
    enum class State : std::uint8_t {
        field_start,
        unquoted,
        quoted,
        quote_in_quoted,
        after_cr,
        done
    };
    char delimiter_;
    char quote_;
    State state_ = State::field_start;
    bool previous_cr_ = false;
    std::uint64_t inner_line_breaks_ = 0;
    std::size_t fields_ = 1;
    std::size_t terminator_bytes_ = 0;
};

// Physical line breaks in `bytes`: each LF, CRLF or lone CR counts once.
std::uint64_t count_line_breaks(std::string_view bytes);

}  // namespace cs::csv
