#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/hash/hash128.hpp"
#include "common/value/value.hpp"
#include "common/wire/change_set.hpp"

namespace cs::relay::testing {

// The agent side of a test: the rows a source holds now, plus the changes not
// yet shipped. Frames are encoded exactly as the agent's outbox would, so tests
// and the benchmark can compare the relay's records with `live()`.
class SourceModel {
public:
    struct Row {
        std::vector<Value> values;
        Hash128 data_hash;
        std::optional<Hash128> parent;
    };

    SourceModel(std::string entity, std::vector<wire::Field> schema,
                std::string parent_entity = "");

    const std::string& entity() const { return entity_; }
    const std::vector<wire::Field>& schema() const { return schema_; }
    const std::string& parent_entity() const { return parent_entity_; }

    // Inserts or updates the row with this business key (the first `key_fields`
    // values form the key). A row whose data hash did not change is not queued.
    Hash128 put(std::vector<Value> values, std::optional<Hash128> parent = std::nullopt,
                std::size_t key_fields = 1);
    void remove(const Hash128& bk_hash);

    // Encodes queued changes as frames of at most `rows_per_set` rows, numbering
    // them from `next_sequence` (advanced).
    std::vector<std::string> take_frames(const std::string& stream_id, std::uint64_t& next_sequence,
                                         std::size_t rows_per_set, bool compress = true);
    std::size_t queued() const { return queue_.size(); }

    const std::map<Hash128, Row>& live() const { return live_; }
    const std::map<Hash128, Row>& deleted() const { return deleted_; }

private:
    struct Change {
        wire::Op op;
        Hash128 bk_hash;
    };
    std::string entity_;
    std::vector<wire::Field> schema_;
    std::string parent_entity_;
    std::map<Hash128, Row> live_;
    std::map<Hash128, Row> deleted_;
    std::vector<Change> queue_;
    std::map<Hash128, std::size_t> queued_at_;  // bk -> index in queue_
};

// The benchmark's and tests' sample entity: an item-supplier price row with
// every field type. `version` changes cost, description and modified time.
std::vector<wire::Field> item_schema();
std::vector<Value> item_row(std::uint64_t item, std::uint64_t version);

// Business key of a row with one key field `item_id` (what SourceModel::put uses
// for key_fields = 1), for building parent references.
Hash128 item_key(std::uint64_t item);

}  // namespace cs::relay::testing
