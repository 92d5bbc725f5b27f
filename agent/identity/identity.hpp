#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/base/expected.hpp"
#include "common/hash/canonical.hpp"
#include "common/wire/change_set.hpp"

namespace cs::agent {

// What identity needs to know about an entity: its mapped fields, which of them
// form the business key, and how a child row names its parent.
struct IdentitySpec {
    std::vector<wire::Field> fields;  // all mapped fields, in entity order
    std::vector<std::size_t> key;     // indexes into `fields`
    // Parent reference: the parent entity's key field names, each with the index
    // of the child field that holds its value.
    std::string parent_entity;
    std::vector<std::pair<std::string, std::size_t>> parent_key;
    std::optional<std::size_t> rowversion;  // index of the field carried as rowversion
};

// A normalized row with its identity, ready for the delta stage.
struct HashedRow {
    Hash128 bk;
    Hash128 data_hash;
    std::optional<Hash128> parent_bk;
    std::string rowversion;
    std::vector<Value> values;
    std::size_t raw_index = 0;  // row index in the batch's RawBatch
    Hash128 raw_hash;           // of the source bytes under this read's context; zero if none
    // Set when the raw bytes matched a row known at the start of the run: the row
    // was not normalized and only needs to be marked seen.
    std::uint32_t known_entry = UINT32_MAX;
};

// Computes bk_hash, data_hash and the parent's bk_hash (docs/hashing.md).
// Holds scratch buffers: one instance per thread.
class Identity {
public:
    explicit Identity(IdentitySpec spec);

    // Fills the identity fields of `row` from row.values. A null business key
    // field is an error naming the field: such a row has no identity.
    Status compute(HashedRow& row);

    const IdentitySpec& spec() const { return spec_; }

private:
    IdentitySpec spec_;
    std::vector<std::size_t> data_order_;  // field indexes sorted by name
    std::vector<std::size_t> key_order_;
    std::vector<std::size_t> parent_order_;  // into spec_.parent_key, sorted by parent name
    std::vector<NamedValue> scratch_;
    RecordHasher hasher_;
};

}  // namespace cs::agent
