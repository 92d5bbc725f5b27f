#include "tests/relay/support/source_model.hpp"

#include <fmt/format.h>

#include "common/hash/canonical.hpp"
#include "common/wire/codec.hpp"

namespace cs::relay::testing {

SourceModel::SourceModel(std::string entity, std::vector<wire::Field> schema,
                         std::string parent_entity)
    : entity_(std::move(entity)),
      schema_(std::move(schema)),
      parent_entity_(std::move(parent_entity)) {}

Hash128 SourceModel::put(std::vector<Value> values, std::optional<Hash128> parent,
                         std::size_t key_fields) {
    std::vector<NamedValue> key;
    std::vector<NamedValue> all;
    for (std::size_t i = 0; i < schema_.size(); ++i) {
        all.push_back({schema_[i].name, &values[i]});
        if (i < key_fields) {
            key.push_back({schema_[i].name, &values[i]});
        }
    }
    Hash128 bk = bk_hash(key);
    Hash128 dh = data_hash(all);
    auto it = live_.find(bk);
    if (it != live_.end() && it->second.data_hash == dh && it->second.parent == parent) {
        return bk;
    }
    wire::Op op = it == live_.end() ? wire::Op::insert : wire::Op::update;
    live_[bk] = Row{std::move(values), dh, parent};
    deleted_.erase(bk);
    auto q = queued_at_.find(bk);
    if (q != queued_at_.end()) {
        // Still unshipped: the agent's delta would ship only the latest state.
        auto& change = queue_[q->second];
        change.op = change.op == wire::Op::insert ? wire::Op::insert : op;
        if (change.op == wire::Op::remove) {
            change.op = wire::Op::update;
        }
    } else {
        queued_at_[bk] = queue_.size();
        queue_.push_back({op, bk});
    }
    return bk;
}

void SourceModel::remove(const Hash128& bk_hash) {
    auto it = live_.find(bk_hash);
    if (it == live_.end()) {
        return;
    }
    deleted_[bk_hash] = std::move(it->second);
    live_.erase(it);
    auto q = queued_at_.find(bk_hash);
    if (q != queued_at_.end()) {
        queue_[q->second].op = wire::Op::remove;
    } else {
        queued_at_[bk_hash] = queue_.size();
        queue_.push_back({wire::Op::remove, bk_hash});
    }
}

std::vector<std::string> SourceModel::take_frames(const std::string& stream_id,
                                                  std::uint64_t& next_sequence,
                                                  std::size_t rows_per_set, bool compress) {
    std::vector<std::string> frames;
    wire::ChangeSetWriter writer;
    for (std::size_t start = 0; start < queue_.size(); start += rows_per_set) {
        wire::ChangeSet header;
        header.stream_id = stream_id;
        header.sequence = next_sequence++;
        header.entity = entity_;
        header.parent_entity = parent_entity_;
        header.run_id = "run-" + std::to_string(header.sequence);
        header.created_at_us = 1'790'000'000'000'000 + static_cast<std::int64_t>(header.sequence);
        header.schema = schema_;
        writer.begin(header);
        auto end = std::min(queue_.size(), start + rows_per_set);
        for (std::size_t i = start; i < end; ++i) {
            const auto& change = queue_[i];
            const Row& row = change.op == wire::Op::remove ? deleted_.at(change.bk_hash)
                                                           : live_.at(change.bk_hash);
            const Hash128* parent = row.parent ? &*row.parent : nullptr;
            std::string rowversion = fmt::format("rv-{}", header.sequence);
            auto s =
                change.op == wire::Op::remove
                    ? writer.add_row(change.op, change.bk_hash, Hash128{}, rowversion, parent, {})
                    : writer.add_row(change.op, change.bk_hash, row.data_hash, rowversion, parent,
                                     row.values);
            if (!s) {
                throw std::runtime_error(s.error().message);
            }
        }
        auto frame = writer.finish({.compress = compress});
        if (!frame) {
            throw std::runtime_error(frame.error().message);
        }
        frames.push_back(std::move(*frame));
    }
    queue_.clear();
    queued_at_.clear();
    return frames;
}

std::vector<wire::Field> item_schema() {
    return {{"item_id", FieldType::string},     {"supplier_id", FieldType::integer},
            {"cost", FieldType::decimal},       {"list_price", FieldType::decimal},
            {"description", FieldType::string}, {"active", FieldType::boolean},
            {"effective", FieldType::date},     {"modified", FieldType::timestamp}};
}

std::vector<Value> item_row(std::uint64_t item, std::uint64_t version) {
    auto cost =
        Decimal::from_units(static_cast<int128>(1000 + (item * 37 + version * 11) % 900000), 4)
            .value();
    auto price =
        Decimal::from_units(static_cast<int128>(199 + (item * 13 + version) % 50000), 2).value();
    return {
        Value(fmt::format("ITEM-{:08d}", item)),
        Value(static_cast<std::int64_t>(1000 + item % 97)),
        Value(cost),
        Value(price),
        Value(fmt::format("Part {} \"rev {}\" 3/4in PVC tee, schedule 40", item, version)),
        Value(item % 5 != 0),
        Value(Date{static_cast<std::int32_t>(19000 + (item + version) % 3000)}),
        Value(Timestamp{1'700'000'000'000'000 + static_cast<std::int64_t>(item * 1000 + version)})};
}

Hash128 item_key(std::uint64_t item) {
    Value id(fmt::format("ITEM-{:08d}", item));
    NamedValue key{"item_id", &id};
    return bk_hash(std::span<const NamedValue>(&key, 1));
}

}  // namespace cs::relay::testing
