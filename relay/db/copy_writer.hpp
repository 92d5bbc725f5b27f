#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cs::relay::db {

// Writes PostgreSQL's binary COPY format (header, tuples of length-prefixed
// big-endian fields, trailer) into a string, for COPY ... FROM STDIN (FORMAT
// binary). Binary avoids text escaping and hex-encoding bytea.
class CopyWriter {
public:
    explicit CopyWriter(std::string& out);

    void begin_row(std::int16_t field_count);
    void null();
    void int16(std::int16_t value);
    void int64(std::int64_t value);
    // bytea or text (UTF-8) payload as is.
    void bytes(std::string_view value);

    // A field whose payload is appended directly to out() between the two calls,
    // e.g. a jsonb document rendered in place. begin returns the length slot.
    std::size_t begin_field();
    void end_field(std::size_t slot);
    // jsonb's binary input is a version byte followed by the JSON text.
    void begin_jsonb_field(std::size_t& slot) {
        slot = begin_field();
        out_.push_back('\x01');
    }

    void finish();
    std::string& out() { return out_; }

private:
    void be32(std::uint32_t value);
    std::string& out_;
};

}  // namespace cs::relay::db
