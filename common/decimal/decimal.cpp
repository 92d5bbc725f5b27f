#include "common/decimal/decimal.hpp"

#include <algorithm>
#include <array>

namespace cs {
namespace {

// 10^38 still fits in a signed 128-bit integer (max is about 1.7 * 10^38).
constexpr int128 pow10(int n) {
    int128 result = 1;
    for (int i = 0; i < n; ++i) {
        result *= 10;
    }
    return result;
}

constexpr std::array<int128, 39> make_pow10_table() {
    std::array<int128, 39> table{};
    for (int i = 0; i <= 38; ++i) {
        table[static_cast<std::size_t>(i)] = pow10(i);
    }
    return table;
}

constexpr auto kPow10 = make_pow10_table();
constexpr int128 kMaxUnits = kPow10[38] - 1;  // 38 nines

bool within_digits(int128 units) {
    return units >= -kMaxUnits && units <= kMaxUnits;
}

// a * 10^n with overflow detection.
bool scale_up(int128 a, int n, int128& out) {
    if (n > 38) {
        return false;
    }
    return !__builtin_mul_overflow(a, kPow10[static_cast<std::size_t>(n)], &out) &&
           within_digits(out);
}

// Divides with the requested rounding; divisor must be positive.
int128 divide_round(int128 numerator, int128 divisor, Rounding rounding) {
    int128 quotient = numerator / divisor;
    int128 remainder = numerator % divisor;
    if (remainder == 0 || rounding == Rounding::down) {
        return quotient;
    }
    uint128 twice = static_cast<uint128>(remainder < 0 ? -remainder : remainder) * 2;
    uint128 d = static_cast<uint128>(divisor);
    bool away = false;
    if (twice > d) {
        away = true;
    } else if (twice == d) {
        away = rounding == Rounding::half_up || (quotient % 2 != 0);
    }
    if (away) {
        quotient += numerator < 0 ? -1 : 1;
    }
    return quotient;
}

Error overflow_error(std::string_view op) {
    return make_error(ErrorCode::limit_exceeded, "decimal {} exceeds {} significant digits", op,
                      Decimal::max_digits);
}

}  // namespace

Expected<Decimal> Decimal::from_units(int128 units, int scale) {
    if (scale < 0 || scale > max_scale) {
        return make_error(ErrorCode::invalid_argument, "decimal scale {} outside [0, {}]", scale,
                          max_scale);
    }
    if (!within_digits(units)) {
        return overflow_error("value");
    }
    return Decimal(units, scale);
}

Expected<Decimal> Decimal::parse(std::string_view text) {
    auto fail = [&](std::string_view why) {
        return make_error(ErrorCode::parse_error, "'{}' is not a decimal number: {}", text, why);
    };
    std::size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    int128 units = 0;
    int digits = 0;  // significant digits kept in units
    int scale = 0;   // digits after the point
    bool any_digit = false;
    bool seen_point = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            any_digit = true;
            if (units == 0 && c == '0') {
                if (seen_point) {
                    ++scale;  // leading fractional zero: scale grows, no digit used
                }
                continue;
            }
            if (digits == max_digits) {
                return fail("more than 38 significant digits");
            }
            units = units * 10 + (c - '0');
            ++digits;
            if (seen_point) {
                ++scale;
            }
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (!any_digit) {
        return fail("no digits");
    }
    int exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
            exp_negative = text[i] == '-';
            ++i;
        }
        if (i == text.size()) {
            return fail("exponent has no digits");
        }
        for (; i < text.size(); ++i) {
            char c = text[i];
            if (c < '0' || c > '9') {
                return fail("unexpected character in exponent");
            }
            exponent = exponent * 10 + (c - '0');
            if (exponent > 1000) {
                return fail("exponent out of range");
            }
        }
        if (exp_negative) {
            exponent = -exponent;
        }
    }
    if (i != text.size()) {
        return fail(fmt::format("unexpected character '{}'", text[i]));
    }
    scale -= exponent;
    if (scale < 0) {
        int128 scaled = 0;
        if (!scale_up(units, -scale, scaled)) {
            return fail("more than 38 significant digits");
        }
        units = scaled;
        scale = 0;
    }
    while (scale > max_scale && units % 10 == 0 && units != 0) {
        units /= 10;
        --scale;
    }
    if (units == 0) {
        scale = std::min(scale, max_scale);
    }
    if (scale > max_scale) {
        return fail("more than 38 fractional digits");
    }
    return Decimal(negative ? -units : units, scale);
}

std::string Decimal::to_string() const {
    std::string out;
    append_to(out);
    return out;
}

void Decimal::append_to(std::string& out) const {
    uint128 magnitude = static_cast<uint128>(units_ < 0 ? -units_ : units_);
    char buffer[80];
    int pos = static_cast<int>(sizeof(buffer));
    int written = 0;
    auto put = [&](unsigned digit) {
        buffer[--pos] = static_cast<char>('0' + digit);
        if (++written == scale_) {
            buffer[--pos] = '.';
        }
    };
    // 128-bit division is slow; most amounts fit in 64 bits.
    while (magnitude > UINT64_MAX) {
        put(static_cast<unsigned>(magnitude % 10));
        magnitude /= 10;
    }
    auto small = static_cast<std::uint64_t>(magnitude);
    do {
        put(static_cast<unsigned>(small % 10));
        small /= 10;
    } while (small != 0 || written < scale_);
    if (buffer[pos] == '.') {
        buffer[--pos] = '0';
    }
    if (units_ < 0) {
        buffer[--pos] = '-';
    }
    out.append(buffer + pos, buffer + sizeof(buffer));
}

Decimal Decimal::normalized() const {
    if (units_ == 0) {
        return Decimal(0, 0);
    }
    int128 units = units_;
    int scale = scale_;
    while (scale > 0 && units % 10 == 0) {
        units /= 10;
        --scale;
    }
    return Decimal(units, scale);
}

std::strong_ordering Decimal::compare(const Decimal& other) const {
    if (scale_ == other.scale_) {
        return units_ <=> other.units_;
    }
    if (sign() != other.sign()) {
        return sign() <=> other.sign();
    }
    // Same sign: bring both to the larger scale. If that overflows, the scaled side
    // is larger in magnitude than anything representable.
    bool this_scaled = scale_ < other.scale_;
    const Decimal& low = this_scaled ? *this : other;
    const Decimal& high = this_scaled ? other : *this;
    int128 scaled = 0;
    if (!__builtin_mul_overflow(
            low.units_, kPow10[static_cast<std::size_t>(high.scale_ - low.scale_)], &scaled)) {
        auto result = scaled <=> high.units_;
        return this_scaled ? result : (0 <=> result);
    }
    // |low| is bigger; for negatives that means smaller.
    bool low_is_greater = low.units_ > 0;
    if (this_scaled) {
        return low_is_greater ? std::strong_ordering::greater : std::strong_ordering::less;
    }
    return low_is_greater ? std::strong_ordering::less : std::strong_ordering::greater;
}

Expected<Decimal> Decimal::add(const Decimal& other) const {
    int scale = std::max(scale_, other.scale_);
    int128 a = 0;
    int128 b = 0;
    if (!scale_up(units_, scale - scale_, a) || !scale_up(other.units_, scale - other.scale_, b)) {
        return overflow_error("sum");
    }
    int128 sum = 0;
    if (__builtin_add_overflow(a, b, &sum) || !within_digits(sum)) {
        return overflow_error("sum");
    }
    return Decimal(sum, scale);
}

Expected<Decimal> Decimal::subtract(const Decimal& other) const {
    return add(other.negated());
}

Expected<Decimal> Decimal::multiply(const Decimal& other) const {
    int128 product = 0;
    if (__builtin_mul_overflow(units_, other.units_, &product) || !within_digits(product)) {
        return overflow_error("product");
    }
    int scale = scale_ + other.scale_;
    if (scale > max_scale) {
        return Decimal(product, scale).rescale(max_scale, Rounding::half_even);
    }
    return Decimal(product, scale);
}

Expected<Decimal> Decimal::divide(const Decimal& divisor, int scale, Rounding rounding) const {
    if (divisor.units_ == 0) {
        return make_error(ErrorCode::invalid_argument, "decimal division by zero");
    }
    if (scale < 0 || scale > max_scale) {
        return make_error(ErrorCode::invalid_argument, "decimal scale {} outside [0, {}]", scale,
                          max_scale);
    }
    // result = (a / 10^sa) / (b / 10^sb) = a * 10^(scale + sb - sa) / b at `scale`.
    int shift = scale + divisor.scale_ - scale_;
    int128 numerator = units_;
    int128 denominator = divisor.units_;
    if (shift >= 0) {
        if (!scale_up(numerator, shift, numerator)) {
            return overflow_error("quotient");
        }
    } else if (!scale_up(denominator, -shift, denominator)) {
        return Decimal(0, scale);  // divisor so large the quotient rounds to zero
    }
    if (denominator < 0) {
        numerator = -numerator;
        denominator = -denominator;
    }
    return Decimal(divide_round(numerator, denominator, rounding), scale);
}

Expected<Decimal> Decimal::rescale(int scale, Rounding rounding) const {
    if (scale < 0 || scale > max_scale) {
        return make_error(ErrorCode::invalid_argument, "decimal scale {} outside [0, {}]", scale,
                          max_scale);
    }
    if (scale >= scale_) {
        int128 scaled = 0;
        if (!scale_up(units_, scale - scale_, scaled)) {
            return overflow_error("rescale");
        }
        return Decimal(scaled, scale);
    }
    int128 divisor = kPow10[static_cast<std::size_t>(scale_ - scale)];
    return Decimal(divide_round(units_, divisor, rounding), scale);
}

}  // namespace cs
