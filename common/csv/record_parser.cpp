#include "common/csv/record_parser.hpp"

#include <bit>
#include <cstring>

namespace cs::csv {

std::uint64_t count_line_breaks(std::string_view bytes) {
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\n') {
            ++count;
        } else if (bytes[i] == '\r' && (i + 1 == bytes.size() || bytes[i + 1] != '\n')) {
            ++count;
        }
    }
    return count;
}

RecordParser::RecordParser(char delimiter, char quote, std::size_t max_fields)
    : delimiter_(delimiter), quote_(quote), max_fields_(max_fields) {
    breaks_[static_cast<unsigned char>(delimiter)] = true;
    breaks_['\r'] = true;
    breaks_['\n'] = true;
}

const char* RecordParser::find_break(const char* p, const char* end) const {
    // Eight bytes at a time: a byte equal to the delimiter, CR or LF becomes a
    // zero in one of the XORs, and the classic has-zero-byte test finds the first.
    // Exact for the lowest match, which is the one we need (little-endian load).
    if constexpr (std::endian::native == std::endian::little) {
        constexpr std::uint64_t kOnes = 0x0101010101010101ull;
        constexpr std::uint64_t kHighs = 0x8080808080808080ull;
        const std::uint64_t delimiter = kOnes * static_cast<unsigned char>(delimiter_);
        auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
        while (end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, 8);
            const std::uint64_t hits = zero_bytes(word ^ delimiter) |
                                       zero_bytes(word ^ (kOnes * '\r')) |
                                       zero_bytes(word ^ (kOnes * '\n'));
            if (hits != 0) {
                return p + (std::countr_zero(hits) >> 3);
            }
            p += 8;
        }
    }
    while (p < end && !breaks_[static_cast<unsigned char>(*p)]) {
        ++p;
    }
    return p;
}

ParseResult RecordParser::parse(std::string_view data, std::size_t begin, bool eof,
                                ParsedRecord& out) const {
    const char* const base = data.data();
    const char* const end = base + data.size();
    const char* p = base + begin;
    out.fields.clear();
    out.field_count = 0;
    out.inner_line_breaks = 0;
    out.terminated = false;
    for (;;) {
        FieldSpan field;
        field.begin = static_cast<std::size_t>(p - base);
        if (p < end && *p == quote_) {
            field.quoted = true;
            const char* q = p + 1;
            for (;;) {
                q = static_cast<const char*>(
                    std::memchr(q, quote_, static_cast<std::size_t>(end - q)));
                if (q == nullptr) {
                    if (!eof) {
                        return ParseResult::need_more;
                    }
                    out.inner_line_breaks +=
                        count_line_breaks({p, static_cast<std::size_t>(end - p)});
                    out.content_end = out.next = data.size();
                    out.field_count += 1;
                    return ParseResult::unterminated_quote;
                }
                if (q + 1 == end && !eof) {
                    return ParseResult::need_more;  // a doubled quote may follow
                }
                if (q + 1 < end && q[1] == quote_) {
                    field.needs_unescape = true;
                    q += 2;
                    continue;
                }
                break;
            }
            out.inner_line_breaks +=
                count_line_breaks({p + 1, static_cast<std::size_t>(q - p - 1)});
            p = q + 1;
            if (p < end && !breaks_[static_cast<unsigned char>(*p)]) {
                field.needs_unescape = true;
                p = find_break(p, end);
            }
        } else {
            p = find_break(p, end);
        }
        field.end = static_cast<std::size_t>(p - base);
        if (out.field_count <= max_fields_) {
            out.fields.push_back(field);
        }
        ++out.field_count;
        if (p == end) {
            if (!eof) {
                return ParseResult::need_more;
            }
            out.content_end = out.next = data.size();
            return ParseResult::record;
        }
        const char c = *p;
        if (c == delimiter_) {
            ++p;
            continue;
        }
        out.content_end = static_cast<std::size_t>(p - base);
        out.terminated = true;
        if (c == '\n') {
            out.next = out.content_end + 1;
            return ParseResult::record;
        }
        if (p + 1 == end) {
            if (!eof) {
                return ParseResult::need_more;  // CR may be the first half of CRLF
            }
            out.next = data.size();
            return ParseResult::record;
        }
        out.next = out.content_end + (p[1] == '\n' ? 2 : 1);
        return ParseResult::record;
    }
}

std::string_view RecordParser::unescape(std::string_view data, const FieldSpan& field,
                                        std::string& scratch) const {
    scratch.clear();
    std::string_view raw = data.substr(field.begin + 1, field.end - field.begin - 1);
    for (;;) {
        const std::size_t q = raw.find(quote_);
        if (q == std::string_view::npos) {
            scratch.append(raw);  // unreachable for parsed fields; keeps the text if it happens
            return scratch;
        }
        scratch.append(raw.substr(0, q));
        if (q + 1 < raw.size() && raw[q + 1] == quote_) {
            scratch.push_back(quote_);
            raw.remove_prefix(q + 2);
            continue;
        }
        scratch.append(raw.substr(q + 1));  // lenient: text after the closing quote
        return scratch;
    }
}

std::size_t RecordSkipper::feed(std::string_view bytes) {
    std::size_t i = 0;
    for (; i < bytes.size() && state_ != State::done; ++i) {
        const char c = bytes[i];
        switch (state_) {
            case State::field_start:
            case State::unquoted:
            case State::quote_in_quoted:
                if (c == quote_ && state_ != State::unquoted) {
                    state_ = State::quoted;
                } else if (c == delimiter_) {
                    state_ = State::field_start;
                    ++fields_;
                } else if (c == '\n') {
                    state_ = State::done;
                    terminator_bytes_ = 1;
                } else if (c == '\r') {
                    state_ = State::after_cr;
                    terminator_bytes_ = 1;
                } else {
                    state_ = State::unquoted;
                }
                break;
            case State::quoted:
                if (c == quote_) {
                    state_ = State::quote_in_quoted;
                } else if (c == '\r' || (c == '\n' && !previous_cr_)) {
                    ++inner_line_breaks_;
                }
                break;
            case State::after_cr:
                state_ = State::done;
                if (c != '\n') {
                    return i;  // a lone CR: this byte starts the next record
                }
                terminator_bytes_ = 2;
                break;
            case State::done:
                break;
        }
        previous_cr_ = c == '\r';
    }
    return i;
}

}  // namespace cs::csv
