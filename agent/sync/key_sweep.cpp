#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/delta/delta_writer.hpp"
#include "agent/delta/state_table.hpp"
#include "agent/identity/identity.hpp"
#include "agent/normalize/normalizer.hpp"
#include "agent/normalize/time_zone.hpp"
#include "agent/source/odata/odata_reader.hpp"
#include "agent/sync/entity_plan.hpp"
#include "agent/sync/odata_sync.hpp"
#include "common/uuid/uuid.hpp"

namespace cs::agent::odata {
namespace {

// The entity's key fields alone: a row's business key hashes the same with or
// without the other fields, so key-only rows find their state entries.
struct KeyPlan {
    std::vector<FieldSpec> fields;
    IdentitySpec identity;
};

KeyPlan key_plan(const EntityConfig& entity) {
    KeyPlan plan;
    for (std::size_t index : entity.identity.key) {
        plan.fields.push_back(entity.fields[index]);
        plan.identity.key.push_back(plan.identity.fields.size());
        plan.identity.fields.push_back(entity.identity.fields[index]);
    }
    return plan;
}

// Every key the source has now, as sorted bk hashes.
Expected<std::vector<Hash128>> read_keys(OdataReader& reader, const KeyPlan& plan,
                                         const EntityConfig& entity, RunRecord& run,
                                         const std::atomic<bool>* stop) {
    auto normalizer = Normalizer::bind(plan.fields, reader.columns());
    if (!normalizer) {
        return std::move(normalizer).error();
    }
    Identity identity(plan.identity);
    std::vector<Hash128> keys;
    RawBatch batch;
    HashedRow row;
    RowError error;
    for (bool more = true; more;) {
        if (stop != nullptr && stop->load()) {
            return make_error(ErrorCode::cancelled, "{}: key sweep stopped", entity.name);
        }
        auto r = reader.read(batch, 8192);
        if (!r) {
            return std::move(r).error();
        }
        if (reader.halted()) {
            // A sweep decides deletes only from every key: it starts over next time.
            return make_error(ErrorCode::cancelled, "{}: key sweep stopped (window closed)",
                              entity.name);
        }
        more = *r;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            ++run.counts.fetched;
            if (!normalizer->normalize(batch.row(i), row.values, error) || !identity.compute(row)) {
                // A key we cannot read could be any row: deleting on it is a guess.
                return make_error(ErrorCode::parse_error,
                                  "{}: key sweep page {} record {}: cannot read the key ({}): "
                                  "nothing deleted",
                                  entity.name, batch.location(i).page, batch.location(i).record,
                                  error.message.empty() ? "no key" : error.message);
            }
            keys.push_back(row.bk);
        }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

// State rows whose keys the sweep saw, with their data hashes (so they SKIP).
Expected<std::vector<HashedRow>> seen_state(StateDb& store, const EntityRecord& record,
                                            const std::vector<Hash128>& keys) {
    std::vector<HashedRow> rows;
    auto st = StateTable::scan(
        store.db(), StateDb::state_table(record.entity_id), [&](const StateRow& state) -> Status {
            // The delta stage reports corrupt rows when it loads them.
            if (state.intact && std::binary_search(keys.begin(), keys.end(), state.bk)) {
                HashedRow row;
                row.bk = state.bk;
                row.data_hash = state.data_hash;
                rows.push_back(std::move(row));
            }
            return ok();
        });
    if (!st) {
        return std::move(st).error();
    }
    return rows;
}

}  // namespace

Expected<RunRecord> sweep_keys(StateDb& store, const EntityConfig& entity, OdataClient& client,
                               const EntityRunOptions& options) {
    const OdataEntityConfig& o = *entity.odata;
    auto zone = normalize::find_zone(client.config().time_zone);
    if (!zone) {
        return std::move(zone).error();
    }
    RunRecord run;
    run.run_id = uuid_v7().to_string();
    run.entity = entity.name;
    run.source = client.resource_url(o.resource, o.name);
    run.mode = "sweep";
    run.started_at = now_micros();
    RunStore runs(store.db());
    if (auto st = runs.save(run); !st) {
        return std::move(st).error();
    }
    auto finish = [&](RunStatus status, std::string error) -> Expected<RunRecord> {
        run.status = status;
        run.error = std::move(error);
        run.finished_at = now_micros();
        if (auto st = runs.save(run); !st) {
            return std::move(st).error();
        }
        return run;
    };

    ReadSpec spec;
    spec.entity = entity.name;
    spec.url = run.source;
    spec.select = o.key_columns;
    spec.order_by = o.key_columns;
    spec.filter = o.filter;
    spec.paging = client.config().paging;
    spec.page_size = o.page_size != 0 ? o.page_size : client.config().page_size;
    spec.zone = *zone;
    spec.halt = [&options] {
        return (options.stop != nullptr && options.stop->load()) ||
               (options.pause && options.pause());
    };
    OdataReader reader(client, spec);
    KeyPlan plan = key_plan(entity);
    auto keys = read_keys(reader, plan, entity, run, options.stop);
    if (!keys) {
        return finish(RunStatus::failed, keys.error().message);
    }
    auto record = store.entity(entity.name);
    if (!record) {
        return std::move(record).error();
    }
    auto seen = seen_state(store, *record, *keys);
    if (!seen) {
        return std::move(seen).error();
    }
    DeltaOptions delta = entity_plan(entity).delta;
    delta.full_read = true;
    delta.force = options.force;
    delta.raw_skip = false;
    auto writer = DeltaWriter::begin(store, *record, entity.identity, run, delta);
    if (!writer) {
        return finish(RunStatus::failed, writer.error().message);
    }
    RawBatch none;
    constexpr std::size_t kChunk = 8192;
    for (std::size_t at = 0; at < seen->size(); at += kChunk) {
        std::size_t n = std::min(kChunk, seen->size() - at);
        if (auto st = (*writer)->add(std::span(seen->data() + at, n), none, {}); !st) {
            (*writer)->abandon();
            return finish(RunStatus::failed, st.error().message);
        }
    }
    if (auto st = (*writer)->finish(true); !st) {
        return finish(RunStatus::failed, st.error().message);
    }
    if ((*writer)->refused()) {
        return finish(RunStatus::refused, run.error);
    }
    spdlog::info("{}: key sweep: {} keys at the source, {} deleted", entity.name, keys->size(),
                 run.counts.deleted);
    return finish(RunStatus::succeeded, "");
}

}  // namespace cs::agent::odata
