#pragma once

#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "common/text/encoding.hpp"

namespace cs::text {

// Applies an Encoding to one field at a time: a streaming reader cannot look at
// the whole file first, and real vendor files mix UTF-8 and Windows-1252 fields.
class FieldDecoder {
public:
    explicit FieldDecoder(Encoding encoding) : encoding_(encoding) {}

    Encoding encoding() const { return encoding_; }
    // The field as UTF-8: `bytes` itself when it needs no change, else a view of
    // `scratch` (overwritten). Fails only under Encoding::utf8, naming the offset
    // of the first byte that is not UTF-8.
    Expected<std::string_view> decode(std::string_view bytes, std::string& scratch) const;

private:
    Encoding encoding_;
};

}  // namespace cs::text
