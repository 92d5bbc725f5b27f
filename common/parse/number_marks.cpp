#include "common/parse/number_marks.hpp"

#include "common/text/spaces.hpp"

namespace cs::parse {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

bool byte_is(std::string_view text, std::size_t i, unsigned char b) {
    return i < text.size() && static_cast<unsigned char>(text[i]) == b;
}

// Length of the currency symbol starting at text[i]: $ (and US$, CA$, AU$, C$,
// A$), euro, pound, yen, rupee. Compared byte by byte: this runs for every number.
std::size_t symbol_at(std::string_view text, std::size_t i) {
    if (byte_is(text, i, '$')) {
        return 1;
    }
    if (byte_is(text, i, 0xC2) && (byte_is(text, i + 1, 0xA3) || byte_is(text, i + 1, 0xA5))) {
        return 2;  // pound, yen
    }
    if (byte_is(text, i, 0xE2) && byte_is(text, i + 1, 0x82) &&
        (byte_is(text, i + 2, 0xAC) || byte_is(text, i + 2, 0xB9))) {
        return 3;  // euro, rupee
    }
    if (i >= text.size() || (text[i] != 'U' && text[i] != 'C' && text[i] != 'A')) {
        return 0;
    }
    static constexpr std::string_view kDollars[] = {"US$", "CA$", "AU$", "C$", "A$"};
    for (std::string_view dollar : kDollars) {
        if (text.substr(i, dollar.size()) == dollar) {
            return dollar.size();
        }
    }
    return 0;
}

// A currency symbol or an ISO 4217-style code (three capital letters) at the start.
std::size_t currency_prefix(std::string_view text) {
    if (std::size_t n = symbol_at(text, 0); n > 0) {
        return n;
    }
    if (text.size() > 3 && is_upper(text[0]) && is_upper(text[1]) && is_upper(text[2]) &&
        !is_upper(text[3]) && !(text[3] >= 'a' && text[3] <= 'z')) {
        return 3;
    }
    return 0;
}

std::size_t currency_suffix(std::string_view text) {
    std::size_t n = text.size();
    if (n < 2) {
        return 0;
    }
    auto last = static_cast<unsigned char>(text[n - 1]);
    if (last == '$' || last >= 0x80) {
        for (std::size_t len = 3; len >= 1; --len) {
            if (n > len && symbol_at(text, n - len) == len) {
                return len;
            }
        }
        return 0;
    }
    if (n > 3 && is_upper(text[n - 1]) && is_upper(text[n - 2]) && is_upper(text[n - 3]) &&
        (text[n - 4] == ' ' || is_digit(text[n - 4]))) {
        return 3;
    }
    return 0;
}

std::size_t trailing_space_length(std::string_view text) {
    if (text.empty()) {
        return 0;
    }
    if (text.back() == ' ') {
        return 1;
    }
    if (static_cast<unsigned char>(text.back()) < 0x80) {
        return 0;
    }
    for (std::size_t n : {std::size_t{2}, std::size_t{3}}) {
        if (text.size() >= n && text::odd_space_length(text.substr(text.size() - n)) == n) {
            return n;
        }
    }
    return 0;
}

}  // namespace

bool peel_marks(std::string_view text, const NumberOptions& options, NumberMarks& marks,
                NumberError& error) {
    auto fail = [&](std::string_view reason, std::size_t position = std::string_view::npos) {
        error = NumberError{reason, position};
        return false;
    };
    std::size_t b = 0;
    std::size_t e = text.size();
    auto skip_front = [&] {
        while (b < e) {
            if (text[b] == ' ') {
                ++b;
            } else if (std::size_t n = static_cast<unsigned char>(text[b]) < 0x80
                                           ? 0
                                           : text::odd_space_length(text.substr(b, e - b));
                       n > 0) {
                b += n;
            } else {
                break;
            }
        }
    };
    auto skip_back = [&] {
        while (std::size_t n = trailing_space_length(text.substr(b, e - b))) {
            e -= n;
        }
    };
    skip_front();
    skip_back();

    // Peel the decorations off both ends, in whatever order the source nests
    // them: "-$1.00", "$-1.00", "($1.00)", "$(1.00)", "1,00 €-", "5 %".
    bool negative = false;
    bool signed_already = false;
    bool currency = false;
    bool percent = false;
    for (bool changed = true; changed && b < e;) {
        changed = false;
        if (text[b] == '(') {
            if (!options.parentheses_negative) {
                return fail("parentheses are not accepted (parentheses_negative is off)", b);
            }
            if (text[e - 1] != ')') {
                return fail("unbalanced parenthesis", b);
            }
            if (signed_already) {
                return fail("more than one sign", b);
            }
            negative = signed_already = changed = true;
            ++b;
            --e;
        } else if (text[b] == '-' || text[b] == '+') {
            if (signed_already) {
                return fail("more than one sign", b);
            }
            negative = text[b] == '-';
            signed_already = changed = true;
            ++b;
        } else if (text[e - 1] == '%' && !percent) {
            percent = changed = true;
            --e;
        } else if (text[e - 1] == '-' && options.trailing_minus && e - b > 1) {
            if (signed_already) {
                return fail("more than one sign", e - 1);
            }
            negative = signed_already = changed = true;
            --e;
        } else if (options.currency_symbols && !currency) {
            if (std::size_t n = currency_prefix(text.substr(b, e - b)); n > 0) {
                b += n;
                currency = changed = true;
            } else if (std::size_t m = currency_suffix(text.substr(b, e - b)); m > 0) {
                e -= m;
                currency = changed = true;
            }
        }
        if (!changed && text[e - 1] == ')') {
            return fail("unbalanced parenthesis", e - 1);
        }
        skip_front();
        skip_back();
    }
    if (b == e) {
        return fail("no digits");
    }
    marks = NumberMarks{b, e, negative, percent};
    return true;
}

}  // namespace cs::parse
