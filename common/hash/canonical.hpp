#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash/hash128.hpp"
#include "common/value/value.hpp"

namespace cs {

// A named, typed field as it takes part in a row's identity.
struct NamedValue {
    std::string_view name;
    const Value* value;
};

// Appends the canonical encoding of one value (docs/hashing.md): a type tag and a
// fixed-width or length-prefixed payload, so no two different values encode alike.
void append_canonical(std::string& out, const Value& value);

// Canonical encoding of a record: domain tag, field count, then each field's
// length-prefixed name and value, in byte order of the names. `fields` may come in
// any order; names must be unique.
std::string canonical_record(std::string_view domain, std::span<const NamedValue> fields);

inline constexpr std::string_view kBusinessKeyDomain = "contractsync.bk.v1";
inline constexpr std::string_view kDataDomain = "contractsync.data.v1";

// bk_hash: XXH3-128 over the canonical business key fields.
Hash128 bk_hash(std::span<const NamedValue> key_fields);
// data_hash: XXH3-128 over all mapped fields.
Hash128 data_hash(std::span<const NamedValue> fields);

// Reusable hasher for hot loops: keeps its scratch buffer between rows.
class RecordHasher {
public:
    Hash128 hash(std::string_view domain, std::span<const NamedValue> fields);
    // Fields already in canonical (sorted) order: skips the sort.
    Hash128 hash_sorted(std::string_view domain, std::span<const NamedValue> sorted_fields);

private:
    std::string buffer_;
    std::vector<NamedValue> sorted_;
};

}  // namespace cs
