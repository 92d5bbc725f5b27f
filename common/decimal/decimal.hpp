#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "common/decimal/int128.hpp"

namespace cs {

enum class Rounding {
    half_even,  // banker's rounding: statistically unbiased over many values
    half_up,    // away from zero at .5, what invoices and price lists use
    down,       // toward zero (truncate)
};

// An exact decimal number: units * 10^-scale, up to 38 significant digits.
// Used for every money and quantity value; no binary floating point anywhere in
// the data path. Equality and ordering compare values (1.50 == 1.5).
class Decimal {
public:
    static constexpr int max_digits = 38;
    static constexpr int max_scale = 38;

    constexpr Decimal() = default;
    static Decimal from_int(std::int64_t value) { return Decimal(value, 0); }
    // units * 10^-scale; scale must be within [0, max_scale].
    static Expected<Decimal> from_units(int128 units, int scale);

    // Parses plain or scientific notation: "-12.50", "+3", ".5", "1.5E3", "2e-2".
    // Anything else (thousands separators, currency signs, spaces) is an error:
    // the normalize stage strips those first.
    static Expected<Decimal> parse(std::string_view text);

    int128 units() const { return units_; }
    int scale() const { return scale_; }
    int sign() const { return units_ < 0 ? -1 : (units_ > 0 ? 1 : 0); }
    bool is_zero() const { return units_ == 0; }

    // Plain notation keeping the scale: Decimal(1250, 2) -> "12.50".
    std::string to_string() const;
    // The same text appended to `out`: no allocation of its own (the relay's
    // COPY rows and the agent's JSON write decimals this way).
    void append_to(std::string& out) const;
    // Trailing fractional zeros removed, "-0" folded to "0": the canonical form.
    Decimal normalized() const;

    Expected<Decimal> add(const Decimal& other) const;
    Expected<Decimal> subtract(const Decimal& other) const;
    Expected<Decimal> multiply(const Decimal& other) const;
    // Quotient rounded to `scale` fractional digits.
    Expected<Decimal> divide(const Decimal& divisor, int scale,
                             Rounding rounding = Rounding::half_even) const;
    Expected<Decimal> rescale(int scale, Rounding rounding = Rounding::half_even) const;
    Decimal negated() const { return Decimal(-units_, scale_); }
    Decimal abs() const { return units_ < 0 ? negated() : *this; }

    friend bool operator==(const Decimal& a, const Decimal& b) {
        return a.compare(b) == std::strong_ordering::equal;
    }
    friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
        return a.compare(b);
    }

private:
    constexpr Decimal(int128 units, int scale) : units_(units), scale_(scale) {}
    std::strong_ordering compare(const Decimal& other) const;

    int128 units_ = 0;
    int scale_ = 0;
};

}  // namespace cs
