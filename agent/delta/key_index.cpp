#include "agent/delta/key_index.hpp"

#include <bit>
#include <cstring>

namespace cs::agent {
namespace {

std::uint64_t table_hash(const Hash128& h) {
    std::uint64_t v;
    std::memcpy(&v, h.bytes.data(), sizeof v);
    return v;
}

// Power-of-two slot count keeping the load at or under one half.
std::size_t slots_for(std::size_t entries) {
    return std::bit_ceil(entries * 2 + 16);
}

}  // namespace

KeyIndex::KeyIndex(std::size_t expected) {
    chunks_.reserve((expected >> kChunkBits) + 1);
    table_.assign(slots_for(expected), kNone);
    mask_ = table_.size() - 1;
    seen_.reserve((expected + 63) / 64);
}

std::uint32_t KeyIndex::find(const Hash128& bk) const {
    for (std::size_t i = table_hash(bk) & mask_;; i = (i + 1) & mask_) {
        std::uint32_t e = table_[i];
        if (e == kNone || at(e).bk == bk) {
            return e;
        }
    }
}

std::uint32_t KeyIndex::insert(const Hash128& bk, const Hash128& data_hash, std::int64_t rowid) {
    if ((size_ + 1) * 2 > table_.size()) {
        grow();
    }
    auto index = static_cast<std::uint32_t>(size_);
    if ((index & kChunkMask) == 0) {
        chunks_.push_back(std::make_unique_for_overwrite<Entry[]>(std::size_t{1} << kChunkBits));
    }
    at(index) = Entry{bk, data_hash, rowid};
    ++size_;
    if (seen_.size() * 64 < size_) {
        seen_.push_back(0);
    }
    std::size_t i = table_hash(bk) & mask_;
    while (table_[i] != kNone) {
        i = (i + 1) & mask_;
    }
    table_[i] = index;
    return index;
}

void KeyIndex::grow() {
    table_.assign(table_.size() * 2, kNone);
    mask_ = table_.size() - 1;
    for (std::uint32_t e = 0; e < size_; ++e) {
        std::size_t i = table_hash(at(e).bk) & mask_;
        while (table_[i] != kNone) {
            i = (i + 1) & mask_;
        }
        table_[i] = e;
    }
}

std::size_t KeyIndex::memory_bytes() const {
    return chunks_.size() * (std::size_t{1} << kChunkBits) * sizeof(Entry) +
           table_.size() * sizeof(std::uint32_t) + seen_.capacity() * sizeof(std::uint64_t);
}

RawRowSet::Slot RawRowSet::key_of(const Hash128& raw) {
    Slot s;
    std::memcpy(&s.low, raw.bytes.data(), sizeof s.low);
    std::memcpy(&s.high, raw.bytes.data() + 8, sizeof s.high);
    return s;
}

void RawRowSet::build(const KeyIndex& index, const std::vector<Hash128>& raw_hashes) {
    keys_.assign(slots_for(raw_hashes.size()), Slot{});
    mask_ = keys_.size() - 1;
    for (std::uint32_t e = 0; e < raw_hashes.size() && e < index.size(); ++e) {
        if (raw_hashes[e].is_zero()) {
            continue;  // a row stored without its raw hash (e.g. from a retry)
        }
        Slot key = key_of(raw_hashes[e]);
        std::size_t i = key.low & mask_;
        while (keys_[i].entry != KeyIndex::kNone &&
               !(keys_[i].low == key.low && keys_[i].high == key.high)) {
            i = (i + 1) & mask_;
        }
        if (keys_[i].entry == KeyIndex::kNone) {
            key.entry = e;
            keys_[i] = key;
        }
    }
}

std::uint32_t RawRowSet::find(const Hash128& raw) const {
    if (keys_.empty()) {
        return KeyIndex::kNone;
    }
    Slot key = key_of(raw);
    for (std::size_t i = key.low & mask_;; i = (i + 1) & mask_) {
        const Slot& s = keys_[i];
        if (s.entry == KeyIndex::kNone || (s.low == key.low && s.high == key.high)) {
            return s.entry;
        }
    }
}

std::size_t RawRowSet::memory_bytes() const {
    return keys_.size() * sizeof(Slot);
}

}  // namespace cs::agent
