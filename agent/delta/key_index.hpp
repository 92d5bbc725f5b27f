#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/hash/hash128.hpp"

namespace cs::agent {

// The entity's known rows during one run. Entries live in a stable array (an
// entry's index never changes); an open-addressing table of 32-bit indexes finds
// them by bk_hash, and a second, read-only table finds rows that existed at the
// start of the run by the hash of their raw source bytes (see RawRowSet).
//
// bk_hash is uniformly random, so its first eight bytes are the table hash.
// Memory is 40 bytes per row plus two 4-byte table slots per row. Entries live
// in fixed-size chunks rather than one growing vector: growing never copies
// them, so a first sync of a large table never holds the old and the new array
// at once (that copy was the agent's largest peak).
class KeyIndex {
public:
    struct Entry {
        Hash128 bk;
        Hash128 data_hash;
        std::int64_t rowid = 0;  // the state table row
    };
    static constexpr std::uint32_t kNone = UINT32_MAX;

    explicit KeyIndex(std::size_t expected = 0);

    // Index of the entry for `bk`, or kNone.
    std::uint32_t find(const Hash128& bk) const;
    // Adds a key not yet present; returns its index.
    std::uint32_t insert(const Hash128& bk, const Hash128& data_hash, std::int64_t rowid);

    Entry& at(std::uint32_t i) { return chunks_[i >> kChunkBits][i & kChunkMask]; }
    const Entry& at(std::uint32_t i) const { return chunks_[i >> kChunkBits][i & kChunkMask]; }
    bool seen(std::uint32_t i) const { return (seen_[i >> 6] >> (i & 63)) & 1; }
    void mark_seen(std::uint32_t i) { seen_[i >> 6] |= std::uint64_t{1} << (i & 63); }

    std::size_t size() const { return size_; }
    std::size_t memory_bytes() const;

    // Calls fn(index) for every live entry (rowid != 0) not marked seen.
    template <typename Fn>
    void for_each_unseen(Fn&& fn) const {
        for (std::uint32_t i = 0; i < size_; ++i) {
            if (!seen(i) && at(i).rowid != 0) {
                fn(i);
            }
        }
    }

private:
    static constexpr unsigned kChunkBits = 15;  // 32768 entries, 1.3 MB a chunk
    static constexpr std::uint32_t kChunkMask = (1u << kChunkBits) - 1;
    void grow();

    std::vector<std::unique_ptr<Entry[]>> chunks_;
    std::size_t size_ = 0;
    std::vector<std::uint32_t> table_;
    std::vector<std::uint64_t> seen_;
    std::size_t mask_ = 0;
};

// Rows known at the start of a run, by the hash of their raw source bytes. A row
// read again byte for byte, under the same configuration and columns, needs no
// normalization: its data cannot have changed. Built once and then only read,
// so normalize workers share it without locks.
class RawRowSet {
public:
    RawRowSet() = default;
    void build(const KeyIndex& index, const std::vector<Hash128>& raw_hashes);
    // The entry index of the row whose raw bytes hashed to `raw`, or KeyIndex::kNone.
    std::uint32_t find(const Hash128& raw) const;
    bool empty() const { return keys_.empty(); }
    std::size_t memory_bytes() const;

private:
    // 96 bits of the raw hash: with a million rows on each side the chance of a
    // false match is about 1e-17 per run. 16 bytes a slot.
    struct Slot {
        std::uint64_t low = 0;
        std::uint32_t high = 0;
        std::uint32_t entry = KeyIndex::kNone;
    };
    static Slot key_of(const Hash128& raw);
    std::vector<Slot> keys_;
    std::size_t mask_ = 0;
};

}  // namespace cs::agent
