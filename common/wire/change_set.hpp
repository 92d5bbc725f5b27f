#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/hash/hash128.hpp"
#include "common/value/value.hpp"

namespace cs::wire {

// What a row's change does to the relay's copy. Values are part of the wire format.
enum class Op : std::uint8_t {
    insert = 1,
    update = 2,
    remove = 3,  // a delete: the row left the source
};

std::string_view to_string(Op op);

struct Field {
    std::string name;
    FieldType type = FieldType::string;
    friend bool operator==(const Field&, const Field&) = default;
};

struct Row {
    Op op = Op::insert;
    Hash128 bk_hash;
    Hash128 data_hash;       // zero for removes
    std::string rowversion;  // source row version / date_last_modified; empty when none
    std::optional<Hash128> parent_bk_hash;  // the parent entity row this row belongs to
    std::vector<Value> values;              // one per schema field; empty for removes
    friend bool operator==(const Row&, const Row&) = default;
};

// One unit of delivery: a batch of row changes of one entity, numbered within a stream.
struct ChangeSet {
    std::string stream_id;  // the agent state store's stream (UUID)
    std::uint64_t sequence = 0;
    std::string entity;
    std::string parent_entity;  // empty when the entity has no parent
    std::string run_id;         // the sync run that produced it
    std::int64_t created_at_us = 0;
    std::vector<Field> schema;  // field names once per set
    std::vector<Row> rows;
    friend bool operator==(const ChangeSet&, const ChangeSet&) = default;
};

}  // namespace cs::wire
