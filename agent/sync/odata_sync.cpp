#include "agent/sync/odata_sync.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "agent/normalize/time_zone.hpp"
#include "agent/pipeline/entity_sync.hpp"
#include "agent/source/odata/odata_reader.hpp"
#include "agent/source/odata/read_cursor.hpp"
#include "agent/source/odata/watermark.hpp"
#include "agent/sync/entity_plan.hpp"
#include "common/hash/hash128.hpp"

namespace cs::agent::odata {
namespace {

// What sync_entity reports for a read whose page failed: as for a paused read,
// every row handed out before was committed (docs/agent.md).
constexpr std::string_view kReadFailed = "source read failed";

bool sweep_due(const EntityRecord& record, const OdataEntityConfig& o) {
    if (o.key_sweep.count() == 0) {
        return false;
    }
    if (!record.last_full_read_at) {
        return true;
    }
    auto since = std::chrono::microseconds(now_micros() - *record.last_full_read_at);
    return since >= o.key_sweep;
}

// A cursor is only valid for the same rows in the same order.
std::string cursor_shape(const OdataEntityConfig& o, const std::string& url) {
    std::string text = url;
    for (const auto* list : {&o.select, &o.key_columns}) {
        text += '\n';
        text += fmt::format("{}", fmt::join(*list, ","));
    }
    text += '\n' + o.filter;
    return xxh3_128(text).to_hex();
}

std::optional<std::int64_t> later(std::optional<std::int64_t> a, std::optional<std::int64_t> b) {
    if (!a || !b) {
        return a ? a : b;
    }
    return std::max(*a, *b);
}

// The pending cursor of the entity, if it still fits its configuration.
Expected<std::optional<ReadCursor>> pending_cursor(StateDb& store, const EntityRecord& record,
                                                   const std::string& entity,
                                                   const std::string& shape) {
    if (!record.cursor) {
        return std::optional<ReadCursor>();
    }
    auto cursor = decode_cursor(*record.cursor);
    if (cursor && cursor->shape == shape) {
        return std::optional<ReadCursor>(std::move(*cursor));
    }
    spdlog::warn("{}: discarding the saved read position ({}): the next full read starts over",
                 entity,
                 cursor ? "the entity's columns, key or filter changed" : cursor.error().message);
    if (auto st = store.set_cursor(record.entity_id, std::nullopt); !st) {
        return std::move(st).error();
    }
    return std::optional<ReadCursor>();
}

// After a full read stopped between pages: remember where, so the next one continues.
Status save_cursor(StateDb& store, const EntityRecord& record, const EntityConfig& entity,
                   const OdataReader& reader, std::optional<ReadCursor> cursor,
                   const std::string& shape, std::int64_t started_at) {
    if (reader.last_key().empty()) {
        return ok();  // nothing read this time: the old position (or none) stands
    }
    ReadCursor next;
    next.shape = shape;
    next.after = reader.last_key();
    next.started_at = cursor ? cursor->started_at : started_at;
    next.max_modified = later(cursor ? cursor->max_modified : std::nullopt, reader.max_modified());
    if (auto usable = after_key_filter(entity.odata->key_columns, next.after); !usable) {
        spdlog::warn("{}: cannot keep the read position ({}): the next full read starts over",
                     entity.name, usable.error().message);
        return ok();
    }
    spdlog::info("{}: full read stopped after {} rows; it continues from there next time",
                 entity.name, reader.rows());
    return store.set_cursor(record.entity_id, encode_cursor(next));
}

}  // namespace

Expected<std::vector<RunRecord>> sync_odata_entity(StateDb& store, const EntityConfig& entity,
                                                   OdataClient& client,
                                                   const EntityRunOptions& options) {
    const OdataEntityConfig& o = *entity.odata;
    const OdataSourceConfig& source = client.config();
    std::string url = client.resource_url(o.resource, o.name);
    std::vector<RunRecord> runs;
    if (options.pause && options.pause()) {
        return runs;  // its window is already closed: not even the key index is loaded
    }
    auto record = store.entity(entity.name);
    if (!record) {
        return std::move(record).error();
    }
    auto zone = normalize::find_zone(source.time_zone);
    if (!zone) {
        return std::move(zone).error();
    }
    std::string shape = cursor_shape(o, url);
    auto cursor = pending_cursor(store, *record, entity.name, shape);
    if (!cursor) {
        return std::move(cursor).error();
    }
    // A pending cursor is an unfinished full read: it is finished before any
    // incremental read, whose watermark has to wait for it.
    bool resuming = cursor->has_value();

    // Every page asks first: a shutdown or a closed window stops the read there.
    std::atomic<bool> halted{false};
    auto halt = [&] {
        if ((options.stop != nullptr && options.stop->load()) ||
            (options.pause && options.pause())) {
            halted = true;
        }
        return halted.load();
    };

    ReadSpec spec;
    spec.entity = entity.name;
    spec.url = url;
    spec.select = o.select;
    spec.order_by = o.key_columns;
    spec.filter = o.filter;
    spec.paging = source.paging;
    spec.page_size = o.page_size != 0 ? o.page_size : source.page_size;
    spec.zone = *zone;
    spec.halt = halt;
    if (o.incremental) {
        spec.modified_column = o.modified_column;
    }

    std::optional<std::int64_t> watermark;
    if (o.incremental && record->watermark && !options.full && !resuming) {
        auto parsed = parse_watermark(*record->watermark);
        if (!parsed) {
            return std::move(parsed).error();
        }
        watermark = *parsed;
    }
    bool incremental = watermark.has_value();
    EntityPlan plan = entity_plan(entity);
    plan.delta.force = options.force;
    // Only a read of every row may decide that rows are gone; a resumed read
    // covers only the rows after the cursor, so the key sweep decides for it.
    plan.delta.full_read = !incremental && !resuming;
    auto and_filter = [&](const std::string& condition) {
        spec.filter =
            spec.filter.empty() ? condition : fmt::format("({}) and ({})", spec.filter, condition);
    };
    if (incremental) {
        auto since =
            *watermark - std::chrono::duration_cast<std::chrono::microseconds>(o.look_back).count();
        std::string condition =
            fmt::format("{} ge {}", o.modified_column, filter_literal(since, *zone));
        spec.filter =
            o.filter.empty() ? condition : fmt::format("({}) and {}", o.filter, condition);
    }
    if (resuming) {
        auto after = after_key_filter(o.key_columns, (*cursor)->after);
        if (!after) {
            return make_error(after.error().code, "{}: {}", entity.name, after.error().message);
        }
        and_filter(*after);
    }
    OdataReader reader(client, spec);
    std::string mode = incremental ? "incremental" : "full";
    spdlog::info(
        "{}: {} read of {}{}", entity.name, mode, url,
        incremental
            ? fmt::format(" (modified since {} minus {} s look-back)", *record->watermark,
                          std::chrono::duration_cast<std::chrono::seconds>(o.look_back).count())
        : resuming ? " (continuing an interrupted full read after its last committed key)"
                   : "");
    std::int64_t started_at = now_micros();
    auto run = sync_entity(store, plan, reader, {url, mode, &halted});
    if (!run) {
        return std::move(run).error();
    }
    bool succeeded = run->status == RunStatus::succeeded;
    bool kept_prefix = run->status == RunStatus::paused || run->error.starts_with(kReadFailed);
    runs.push_back(std::move(*run));
    if (!succeeded) {
        // The watermark stays: the next run reads the same rows again. A full
        // read keeps its position instead of starting over.
        if (!incremental && kept_prefix) {
            if (auto st = save_cursor(store, *record, entity, reader, *cursor, shape, started_at);
                !st) {
                return std::move(st).error();
            }
            RunRecord& stopped = runs.back();
            stopped.note = "the rows read were kept; the next full read continues after them";
            if (auto st = RunStore(store.db()).save(stopped); !st) {
                return std::move(st).error();
            }
        }
        return runs;
    }
    // sync_entity has committed every change set of the run: now the watermark
    // may move past the rows it carried.
    if (o.incremental && incremental && reader.max_modified() &&
        *reader.max_modified() > *watermark) {
        if (auto st = store.set_watermark(record->entity_id, format_utc(*reader.max_modified()));
            !st) {
            return std::move(st).error();
        }
    }
    if (!incremental) {
        // A full read saw each row as it was when its page was read, possibly
        // hours (or nights) after the load began: changes made meanwhile to rows
        // already read are found only from a watermark no later than that start.
        std::int64_t began = resuming ? (*cursor)->started_at : started_at;
        auto latest =
            later(resuming ? (*cursor)->max_modified : std::nullopt, reader.max_modified());
        if (o.incremental && latest) {
            if (auto st =
                    store.set_watermark(record->entity_id, format_utc(std::min(began, *latest)));
                !st) {
                return std::move(st).error();
            }
        }
    }
    if (resuming) {
        if (auto st = store.set_cursor(record->entity_id, std::nullopt); !st) {
            return std::move(st).error();
        }
        spdlog::info("{}: the interrupted full read has completed; the key sweep finds deletes",
                     entity.name);
    }
    if (resuming || (incremental && (options.sweep || sweep_due(*record, o)))) {
        auto sweep = sweep_keys(store, entity, client, options);
        if (!sweep) {
            return std::move(sweep).error();
        }
        runs.push_back(std::move(*sweep));
    }
    return runs;
}

}  // namespace cs::agent::odata
