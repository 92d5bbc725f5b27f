#include "agent/pipeline/entity_sync.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/normalize/normalizer.hpp"
#include "agent/pipeline/bounded_queue.hpp"
#include "common/hash/hash128.hpp"
#include "common/uuid/uuid.hpp"

namespace cs::agent {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t elapsed_us(Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - since).count();
}

// One batch on its way through the pipeline; recycled to keep allocations flat.
struct Work {
    std::uint64_t index = 0;
    RawBatch raw;
    std::vector<HashedRow> rows;
    std::size_t live = 0;  // rows[0..live) are valid this time round
    std::vector<FailedRow> failed;
    RunCounts counts;
    std::int64_t normalize_us = 0;
};
using WorkPtr = std::unique_ptr<Work>;

// Normalizes and identifies every row of a batch. One instance per worker thread.
class RowTransformer {
public:
    RowTransformer(Normalizer normalizer, const EntityPlan& plan, const RunRecord& run,
                   const RawRowSet* known, std::uint64_t raw_seed)
        : normalizer_(std::move(normalizer)),
          identity_(plan.identity),
          run_(run),
          known_(known),
          raw_seed_(raw_seed) {}

    void transform(Work& work) {
        auto started = Clock::now();
        const RawBatch& raw = work.raw;
        work.counts = {};
        work.failed.clear();
        work.live = 0;
        if (work.rows.size() < raw.size()) {
            work.rows.resize(raw.size());
        }
        for (const auto& rejected : raw.rejected()) {
            ++work.counts.fetched;
            FailedRow f = failed(raw, "read", "", rejected.error, "");
            f.location = rejected.location;
            f.raw = rejected.raw;
            work.failed.push_back(std::move(f));
        }
        for (std::size_t i = 0; i < raw.size(); ++i) {
            ++work.counts.fetched;
            HashedRow& row = work.rows[work.live];
            row.raw_index = i;
            row.known_entry = KeyIndex::kNone;
            row.raw_hash = Hash128{};
            if (known_ != nullptr && !raw.raw(i).empty()) {
                row.raw_hash = xxh3_128(raw.raw(i), raw_seed_);
                row.known_entry = known_->find(row.raw_hash);
                if (row.known_entry != KeyIndex::kNone) {
                    // The same bytes under the same configuration and columns as the
                    // row's last read: it normalizes to the same values, so skip that.
                    work.counts.normalized++;
                    work.counts.mapped++;
                    work.counts.validated++;
                    ++work.live;
                    continue;
                }
            }
            if (!normalizer_.normalize(raw.row(i), row.values, error_)) {
                work.failed.push_back(
                    failed_at(raw, i, error_.stage, error_.field, error_.message, error_.value));
                count_passed_before(error_.stage, work.counts);
                continue;
            }
            work.counts.normalized++;
            work.counts.mapped++;
            if (auto st = identity_.compute(row); !st) {
                work.failed.push_back(failed_at(raw, i, "validate", "", st.error().message, ""));
                continue;
            }
            work.counts.validated++;
            ++work.live;
        }
        work.normalize_us = elapsed_us(started);
    }

private:
    static void count_passed_before(const std::string& stage, RunCounts& counts) {
        // Stages run normalize -> map -> validate: a later failure passed the earlier ones.
        if (stage == "map") {
            counts.normalized++;
        } else if (stage == "validate") {
            counts.normalized++;
            counts.mapped++;
        }
    }

    FailedRow failed(const RawBatch&, std::string stage, std::string field, std::string error,
                     std::string value) const {
        FailedRow f;
        f.run_id = run_.run_id;
        f.entity = run_.entity;
        f.stage = std::move(stage);
        f.field = std::move(field);
        f.error = std::move(error);
        f.value = std::move(value);
        f.source = run_.source;
        f.created_at = now_micros();
        return f;
    }

    FailedRow failed_at(const RawBatch& raw, std::size_t i, std::string stage, std::string field,
                        std::string error, std::string value) const {
        FailedRow f =
            failed(raw, std::move(stage), std::move(field), std::move(error), std::move(value));
        f.location = raw.location(i);
        f.raw = raw.raw(i);
        f.cells = cells_json(raw.columns(), raw.row(i));
        return f;
    }

    Normalizer normalizer_;
    Identity identity_;
    const RunRecord& run_;
    const RawRowSet* known_;
    std::uint64_t raw_seed_;
    RowError error_;
};

// Hands finished batches to the consumer in their original order.
class Reorderer {
public:
    void put(WorkPtr work) {
        std::lock_guard lock(mutex_);
        ready_.emplace(work->index, std::move(work));
        cv_.notify_all();
    }
    // nullptr when the stream ended before `index` arrived.
    WorkPtr take(std::uint64_t index) {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return ready_.count(index) > 0 || (done_ && producers_ == 0); });
        auto it = ready_.find(index);
        if (it == ready_.end()) {
            return nullptr;
        }
        WorkPtr w = std::move(it->second);
        ready_.erase(it);
        return w;
    }
    void add_producer() {
        std::lock_guard lock(mutex_);
        ++producers_;
    }
    void producer_done() {
        std::lock_guard lock(mutex_);
        --producers_;
        done_ = true;
        cv_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::uint64_t, WorkPtr> ready_;
    int producers_ = 0;
    bool done_ = false;
};

void add_counts(RunCounts& total, const RunCounts& part) {
    total.fetched += part.fetched;
    total.normalized += part.normalized;
    total.mapped += part.mapped;
    total.validated += part.validated;
}

}  // namespace

Expected<RunRecord> sync_entity(StateDb& store, const EntityPlan& plan, RowReader& reader,
                                const SyncRequest& request) {
    auto wall = Clock::now();
    RunRecord run;
    run.run_id = uuid_v7().to_string();
    run.entity = plan.name;
    run.source = request.source;
    run.mode = request.mode;
    run.started_at = now_micros();
    RunStore runs(store.db());
    if (auto st = runs.save(run); !st) {
        return std::move(st).error();
    }

    auto finish_run = [&](RunStatus status, std::string error) -> Expected<RunRecord> {
        run.status = status;
        if (!error.empty()) {
            run.error = std::move(error);
        }
        run.finished_at = now_micros();
        run.durations.total_us = elapsed_us(wall);
        if (auto st = runs.save(run); !st) {
            return std::move(st).error();
        }
        return run;
    };

    auto entity = store.entity(plan.name);
    if (!entity) {
        return std::move(entity).error();
    }

    // The first batch reveals the columns, which the normalizers bind to.
    WorkPtr first = std::make_unique<Work>();
    auto read_started = Clock::now();
    auto first_more = reader.read(first->raw, plan.batch_rows);
    run.durations.read_us += elapsed_us(read_started);
    if (!first_more) {
        return finish_run(RunStatus::failed, first_more.error().message);
    }
    auto writer = DeltaWriter::begin(store, *entity, plan.identity, run, plan.delta);
    if (!writer) {
        return finish_run(RunStatus::failed, writer.error().message);
    }
    // Raw bytes mean the same values only under the same configuration and columns.
    std::string context = plan.fingerprint;
    for (const auto& column : reader.columns()) {
        context.push_back('\0');
        context += column;
    }
    std::uint64_t raw_seed = xxh3_64(context);
    const RawRowSet* known = plan.delta.raw_skip ? &(*writer)->raw_rows() : nullptr;

    unsigned workers =
        plan.workers != 0 ? plan.workers : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::unique_ptr<RowTransformer>> transformers;
    for (unsigned i = 0; i < workers; ++i) {
        auto normalizer = Normalizer::bind(plan.fields, reader.columns());
        if (!normalizer) {
            return finish_run(RunStatus::failed, normalizer.error().message);
        }
        transformers.push_back(
            std::make_unique<RowTransformer>(std::move(*normalizer), plan, run, known, raw_seed));
    }

    // Batches in flight are capped by a fixed pool: the reader waits for a free
    // one, so memory does not depend on how fast workers or the writer are.
    const std::size_t pool_size = workers * 3 + 2;
    BoundedQueue<WorkPtr> to_transform(pool_size);
    BoundedQueue<WorkPtr> free_work(pool_size + 1);
    for (std::size_t i = 0; i < pool_size; ++i) {
        free_work.push(std::make_unique<Work>());
    }
    Reorderer ordered;
    std::atomic<bool> abort{false};
    std::mutex error_mutex;
    std::string read_error;
    bool read_complete = false;

    auto should_stop = [&] {
        return abort.load() || (request.stop != nullptr && request.stop->load());
    };

    ordered.add_producer();
    std::thread reader_thread([&] {
        std::uint64_t index = 0;
        WorkPtr work = std::move(first);
        bool more = *first_more;
        std::int64_t read_us = 0;
        while (true) {
            work->index = index++;
            bool last = !more;
            if (!to_transform.push(std::move(work)) || last) {
                read_complete = last;
                break;
            }
            if (should_stop()) {
                break;
            }
            auto recycled = free_work.pop();
            if (!recycled) {
                break;  // the writer stopped
            }
            work = std::move(*recycled);
            auto started = Clock::now();
            auto r = reader.read(work->raw, plan.batch_rows);
            read_us += elapsed_us(started);
            if (!r) {
                std::lock_guard lock(error_mutex);
                read_error = r.error().message;
                break;
            }
            more = *r;
        }
        run.durations.read_us += read_us;
        to_transform.close();
    });

    std::vector<std::thread> worker_threads;
    for (unsigned i = 0; i < workers; ++i) {
        ordered.add_producer();
        worker_threads.emplace_back([&, i] {
            while (auto work = to_transform.pop()) {
                transformers[i]->transform(**work);
                ordered.put(std::move(*work));
            }
            ordered.producer_done();
        });
    }
    ordered.producer_done();  // the reader's registration: workers finish the stream

    Status write_status = ok();
    for (std::uint64_t index = 0;; ++index) {
        WorkPtr work = ordered.take(index);
        if (!work) {
            break;
        }
        add_counts(run.counts, work->counts);
        run.durations.normalize_us += work->normalize_us;
        if (write_status) {
            write_status =
                (*writer)->add(std::span(work->rows.data(), work->live), work->raw, work->failed);
            if (!write_status) {
                abort = true;
                to_transform.close();
            }
        }
        free_work.push(std::move(work));
    }
    free_work.close();
    reader_thread.join();
    for (auto& t : worker_threads) {
        t.join();
    }

    if (!write_status) {
        (*writer)->abandon();
        return finish_run(RunStatus::failed, write_status.error().message);
    }
    bool stopped = request.stop != nullptr && request.stop->load() && !read_complete;
    if (!read_error.empty() || stopped) {
        // Keep what was committed; never delete after a partial read.
        if (auto st = (*writer)->finish(false); !st) {
            return finish_run(RunStatus::failed, st.error().message);
        }
        if (stopped) {
            run.note = "stopped before the read completed";
            return finish_run(RunStatus::paused, "");
        }
        return finish_run(RunStatus::failed, fmt::format("source read failed: {}", read_error));
    }
    if (auto st = (*writer)->finish(true); !st) {
        return finish_run(RunStatus::failed, st.error().message);
    }
    if ((*writer)->refused()) {
        return finish_run(RunStatus::refused, "");
    }
    spdlog::info("{}: {} fetched, {} inserted, {} updated, {} deleted, {} unchanged, {} failed",
                 plan.name, run.counts.fetched, run.counts.inserted, run.counts.updated,
                 run.counts.deleted, run.counts.skipped, run.counts.failed);
    return finish_run(RunStatus::succeeded, "");
}

}  // namespace cs::agent
