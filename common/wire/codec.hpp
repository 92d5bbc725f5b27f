#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "common/wire/change_set.hpp"

namespace cs::wire {

inline constexpr std::uint8_t kFormatVersion = 1;
inline constexpr std::size_t kEnvelopeSize = 18;

// Upper bounds on everything a peer controls; the decoder refuses input past them.
struct Limits {
    std::size_t max_frame_bytes = 16u << 20;  // compressed frame as received
    std::size_t max_body_bytes = 64u << 20;   // after decompression
    std::size_t max_rows = 1'000'000;
    std::size_t max_fields = 1024;
    std::size_t max_name_bytes = 256;        // field, entity and id names
    std::size_t max_value_bytes = 1u << 20;  // one string or rowversion value
};

struct EncodeOptions {
    bool compress = true;
    int zstd_level = 3;
};

// Builds a change set frame row by row without materialising Values twice; the
// agent's outbox writer uses it directly, encode() is built on it.
class ChangeSetWriter {
public:
    ChangeSetWriter();
    ~ChangeSetWriter();
    ChangeSetWriter(const ChangeSetWriter&) = delete;
    ChangeSetWriter& operator=(const ChangeSetWriter&) = delete;

    // Starts a new set; `header` supplies everything but the rows.
    void begin(const ChangeSet& header);
    // Appends a row; `values` must match the schema (ignored for removes).
    Status add_row(Op op, const Hash128& bk_hash, const Hash128& data_hash,
                   std::string_view rowversion, const Hash128* parent_bk_hash,
                   std::span<const Value> values);
    std::size_t row_count() const { return row_count_; }
    // Approximate uncompressed size so far, for batching by bytes.
    std::size_t body_bytes() const;
    // The framed (and by default compressed) change set.
    Expected<std::string> finish(const EncodeOptions& options = {});

private:
    struct Impl;
    Impl* impl_;
    std::size_t row_count_ = 0;
};

Expected<std::string> encode(const ChangeSet& set, const EncodeOptions& options = {});

struct Decoded {
    ChangeSet set;
    Hash128 content_digest;  // XXH3-128 of the uncompressed body: same content, same digest
    std::size_t body_bytes = 0;
};

// Decodes a frame, refusing truncated, oversized or malformed input with an error
// that says what was wrong and where. Never crashes on any input.
Expected<Decoded> decode(std::string_view frame, const Limits& limits = {});

}  // namespace cs::wire
