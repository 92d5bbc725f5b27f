#include "agent/normalize/value_map.hpp"

#include <algorithm>
#include <array>

#include "agent/normalize/unicode.hpp"

namespace cs::agent::normalize {
namespace {

struct KeyLess {
    bool operator()(const std::pair<std::string, Value>& entry, std::string_view key) const {
        return std::string_view(entry.first) < key;
    }
};

}  // namespace

bool ValueMap::add(std::string_view key, Value target) {
    std::string stored = case_insensitive_ ? folded(key) : std::string(key);
    auto it =
        std::lower_bound(entries_.begin(), entries_.end(), std::string_view(stored), KeyLess{});
    if (it != entries_.end() && it->first == stored) {
        return false;
    }
    entries_.insert(it, {std::move(stored), std::move(target)});
    return true;
}

const Value* ValueMap::find(std::string_view text) const {
    if (text.size() > max_key_bytes) {
        return nullptr;
    }
    std::array<char, max_key_bytes> buffer;
    std::string_view key = text;
    if (case_insensitive_) {
        lower_into(text, buffer.data());
        key = std::string_view(buffer.data(), text.size());
    }
    auto it = std::lower_bound(entries_.begin(), entries_.end(), key, KeyLess{});
    if (it != entries_.end() && it->first == key) {
        return &it->second;
    }
    return nullptr;
}

}  // namespace cs::agent::normalize
