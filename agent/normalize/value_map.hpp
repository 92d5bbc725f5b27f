#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/value/value.hpp"

namespace cs::agent::normalize {

// A field's value map: source text -> final typed value (or null). Targets are
// coerced to the field type when the configuration loads, so a hit costs one
// binary search and a copy.
class ValueMap {
public:
    // Keys longer than this are refused at load; longer text can never match.
    static constexpr std::size_t max_key_bytes = 256;

    bool empty() const { return entries_.empty(); }
    std::size_t size() const { return entries_.size(); }
    bool case_insensitive() const { return case_insensitive_; }
    bool strict() const { return strict_; }
    void set_case_insensitive(bool on) { case_insensitive_ = on; }
    void set_strict(bool on) { strict_ = on; }

    // False when the key (after case folding) is already present.
    bool add(std::string_view key, Value target);
    // The target for `text`, or nullptr when the map has no entry for it.
    const Value* find(std::string_view text) const;

private:
    std::vector<std::pair<std::string, Value>> entries_;  // sorted by key
    bool case_insensitive_ = false;
    bool strict_ = false;
};

}  // namespace cs::agent::normalize
