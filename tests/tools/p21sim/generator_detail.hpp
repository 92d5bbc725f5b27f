#pragma once

#include <cstdint>
#include <span>
#include <string_view>

// Helpers shared by the generator's source files; not part of its interface.
namespace cs::p21sim::detail {

// SplitMix64 finalizer: a cheap, well-mixed hash of a 64-bit value.
inline std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// Milliseconds as SQL Server datetime stores them (1/300 s ticks: .000, .003,
// .007, .010, ...), zero for about a third of the rows.
inline std::int64_t sql_datetime_ms(std::uint64_t h) {
    if (h % 3 == 0) {
        return 0;
    }
    auto ticks = static_cast<std::int64_t>((h >> 2) % 300);
    return (ticks * 10 + 1) / 3;
}

template <typename T>
const T& pick(std::span<const T> list, std::uint64_t h) {
    return list[h % list.size()];
}

// Distinct salts keep the columns of one row independent of each other.
enum Salt : std::uint64_t {
    kSaltCreated = 1,
    kSaltModified,
    kSaltId,
    kSaltDesc,
    kSaltPrice,
    kSaltClass,
    kSaltFlag,
    kSaltUser,
    kSaltUom,
    kSaltSupplier,
    kSaltCost,
    kSaltLeadTime,
    kSaltUpc,
    kSaltPartNo,
    kSaltName,
    kSaltPhone,
    kSaltAddress,
    kSaltCredit,
    kSaltType,
};

}  // namespace cs::p21sim::detail
