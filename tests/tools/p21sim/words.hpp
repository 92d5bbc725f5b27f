#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace cs::p21sim::words {

// Vocabulary for generated rows. Some entries deliberately carry the characters
// integrations trip over: / + # & space ' in ids; commas, quotes and non-ASCII
// (UTF-8) in descriptions and names.

std::span<const std::string_view> item_prefixes();          // plain: "ABB-", "SKF-"
std::span<const std::string_view> special_item_prefixes();  // "3/4 PVC ", "A+B ", "R&D "
std::span<const std::string_view> item_nouns();
std::span<const std::string_view> item_adjectives();
std::span<const std::string_view> item_details();  // ", 3/4\"", " Ø12mm", ...
std::span<const std::string_view> class_codes();
std::span<const std::string_view> users();

struct Uom {
    std::string_view code;
    std::int64_t size;  // base units (EA) per unit
};
// UOMs available for slot 1, 2 and 3 of an item (slot 0 is always EA = 1).
std::span<const Uom> uoms_for_slot(std::uint64_t slot);

std::span<const std::string_view> company_names();
std::span<const std::string_view> company_suffixes();
std::span<const std::string_view> streets();
struct City {
    std::string_view city;
    std::string_view state;
    std::string_view zip_prefix;
};
std::span<const City> cities();
std::span<const std::string_view> product_groups();

}  // namespace cs::p21sim::words
