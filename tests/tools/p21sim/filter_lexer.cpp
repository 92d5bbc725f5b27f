#include "tests/tools/p21sim/filter_lexer.hpp"

namespace cs::p21sim {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

Error syntax(std::size_t position, std::string_view reason) {
    return make_error(ErrorCode::parse_error, "$filter: syntax error at position {}: {}", position,
                      reason);
}

// "2025-01-01..." starts a date or datetime literal, not a number.
bool starts_date(std::string_view text, std::size_t i) {
    return i + 4 < text.size() && is_digit(text[i]) && is_digit(text[i + 1]) &&
           is_digit(text[i + 2]) && is_digit(text[i + 3]) && text[i + 4] == '-';
}

}  // namespace

Expected<std::vector<FilterToken>> tokenize_filter(std::string_view text) {
    std::vector<FilterToken> tokens;
    std::size_t i = 0;
    while (true) {
        while (i < text.size() && is_space(text[i])) {
            ++i;
        }
        FilterToken token;
        token.position = i;
        if (i == text.size()) {
            tokens.push_back(std::move(token));
            return tokens;
        }
        char c = text[i];
        if (c == '(' || c == ')' || c == ',') {
            token.kind = c == '('
                             ? FilterToken::Kind::open
                             : (c == ')' ? FilterToken::Kind::close : FilterToken::Kind::comma);
            ++i;
        } else if (c == '\'') {
            token.kind = FilterToken::Kind::string;
            ++i;
            while (true) {
                if (i == text.size()) {
                    return syntax(token.position, "unterminated string literal");
                }
                if (text[i] == '\'') {
                    if (i + 1 < text.size() && text[i + 1] == '\'') {
                        token.text.push_back('\'');  // '' is an escaped quote
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                token.text.push_back(text[i++]);
            }
        } else if (starts_date(text, i)) {
            token.kind = FilterToken::Kind::datetime;
            while (i < text.size() &&
                   (is_digit(text[i]) || text[i] == '-' || text[i] == ':' || text[i] == 'T' ||
                    text[i] == 'Z' || text[i] == '.' || text[i] == '+')) {
                token.text.push_back(text[i++]);
            }
        } else if (is_digit(c) || (c == '-' && i + 1 < text.size() && is_digit(text[i + 1]))) {
            token.kind = FilterToken::Kind::number;
            token.text.push_back(text[i++]);
            while (i < text.size() && (is_digit(text[i]) || text[i] == '.')) {
                token.text.push_back(text[i++]);
            }
            if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
                token.text.push_back(text[i++]);
                if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
                    token.text.push_back(text[i++]);
                }
                while (i < text.size() && is_digit(text[i])) {
                    token.text.push_back(text[i++]);
                }
            }
            if (i < text.size() && is_alpha(text[i])) {
                return syntax(i, "a number must not be followed by letters");
            }
        } else if (is_alpha(c)) {
            token.kind = FilterToken::Kind::identifier;
            while (i < text.size() && (is_alpha(text[i]) || is_digit(text[i]) || text[i] == '.')) {
                token.text.push_back(text[i++]);
            }
        } else {
            return syntax(i, std::string("unexpected character '") + c + "'");
        }
        tokens.push_back(std::move(token));
    }
}

}  // namespace cs::p21sim
