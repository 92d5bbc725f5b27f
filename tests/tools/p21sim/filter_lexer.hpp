#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"

namespace cs::p21sim {

// A token of an OData $filter. Keywords (and, eq, null, ...) are identifiers:
// the parser decides by position, as OData's grammar does.
struct FilterToken {
    enum class Kind { end, identifier, string, number, datetime, open, close, comma };

    Kind kind = Kind::end;
    std::string text;  // identifier or literal text; strings with '' already unescaped
    std::size_t position = 0;
};

// Splits a percent-decoded $filter into tokens. Fails on unterminated strings and
// characters that cannot start a token, naming the position.
Expected<std::vector<FilterToken>> tokenize_filter(std::string_view text);

}  // namespace cs::p21sim
