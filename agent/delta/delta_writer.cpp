#include "agent/delta/delta_writer.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "agent/delta/index_snapshot.hpp"

namespace cs::agent {
namespace {

std::int64_t elapsed_us(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 since)
        .count();
}

}  // namespace

DeltaWriter::DeltaWriter(StateDb& store, EntityRecord entity, const IdentitySpec& spec,
                         RunRecord& run, const DeltaOptions& options)
    : store_(store),
      entity_(std::move(entity)),
      spec_(spec),
      run_(run),
      options_(options),
      outbox_(store.db()),
      failed_(store.db()),
      index_(static_cast<std::size_t>(entity_.row_count)) {
    header_.stream_id = store.stream_id();
    header_.entity = entity_.name;
    header_.parent_entity = spec.parent_entity;
    header_.run_id = run.run_id;
    header_.schema = spec.fields;
}

DeltaWriter::~DeltaWriter() {
    abandon();
}

Expected<std::unique_ptr<DeltaWriter>> DeltaWriter::begin(StateDb& store, EntityRecord entity,
                                                          const IdentitySpec& spec, RunRecord& run,
                                                          const DeltaOptions& options) {
    std::unique_ptr<DeltaWriter> w(new DeltaWriter(store, std::move(entity), spec, run, options));
    if (auto st = w->prepare_statements(); !st) {
        return std::move(st).error();
    }
    if (auto st = w->load_index(); !st) {
        return std::move(st).error();
    }
    return w;
}

Status DeltaWriter::prepare_statements() {
    auto table = StateTable::prepare(store_.db(), StateDb::state_table(entity_.entity_id));
    if (!table) {
        return std::move(table).error();
    }
    state_ = std::move(*table);
    return ok();
}

Status DeltaWriter::load_index() {
    auto started = std::chrono::steady_clock::now();
    if (!load_snapshot()) {
        index_ = KeyIndex(static_cast<std::size_t>(entity_.row_count));
        raw_.clear();
        if (auto st = scan_state(); !st) {
            return st;
        }
    }
    if (options_.raw_skip) {
        raw_rows_.build(index_, raw_);
    }
    initial_rows_ = static_cast<std::int64_t>(index_.size());
    run_.durations.delta_us += elapsed_us(started);
    return ok();
}

namespace {

std::filesystem::path snapshot_path(const std::filesystem::path& dir, std::int64_t entity_id) {
    return dir / fmt::format("entity-{}.idx", entity_id);
}

}  // namespace

bool DeltaWriter::load_snapshot() {
    if (options_.snapshot_dir.empty()) {
        return false;
    }
    raw_.reserve(static_cast<std::size_t>(entity_.row_count));
    return load_index_snapshot(snapshot_path(options_.snapshot_dir, entity_.entity_id),
                               entity_.entity_id, entity_.state_version,
                               [&](const SnapshotRow& row) {
                                   index_.insert(row.bk, row.data_hash, row.rowid);
                                   raw_.push_back(row.raw_hash);
                               }) &&
           index_.size() == static_cast<std::size_t>(entity_.row_count);
}

Status DeltaWriter::scan_state() {
    raw_.reserve(static_cast<std::size_t>(entity_.row_count));
    return StateTable::scan(
        store_.db(), StateDb::state_table(entity_.entity_id), [&](const StateRow& row) -> Status {
            if (!row.intact) {
                return make_error(ErrorCode::internal, "{}: corrupt state row {} in entity {}",
                                  store_.db().path(), row.rowid, entity_.name);
            }
            index_.insert(row.bk, row.data_hash, row.rowid);
            raw_.push_back(row.raw_hash);
            return ok();
        });
}

void DeltaWriter::save_snapshot() {
    if (options_.snapshot_dir.empty()) {
        return;
    }
    auto version = store_.find_entity(entity_.name);
    if (!version || !*version) {
        return;
    }
    auto path = snapshot_path(options_.snapshot_dir, entity_.entity_id);
    auto writer = SnapshotWriter::open(path, entity_.entity_id, (*version)->state_version);
    Status st = writer ? ok() : Status(writer.error());
    for (std::uint32_t i = 0; st && i < index_.size(); ++i) {
        const auto& e = index_.at(i);
        if (e.rowid != 0) {
            st = writer->write(SnapshotRow{e.bk, e.data_hash, raw_[i], e.rowid});
        }
    }
    if (st) {
        st = writer->commit();
    }
    if (!st) {
        // Only a cache: the next run scans the state table instead.
        spdlog::warn("{}: {}", entity_.name, st.error().message);
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
}

Status DeltaWriter::ensure_transaction() {
    if (tx_open_) {
        return ok();
    }
    if (auto st = store_.db().begin(); !st) {
        return st;
    }
    tx_open_ = true;
    return ok();
}

Status DeltaWriter::ensure_set() {
    if (set_open_) {
        return ok();
    }
    if (auto st = ensure_transaction(); !st) {
        return st;
    }
    auto seq = store_.allocate_sequence();
    if (!seq) {
        return std::move(seq).error();
    }
    set_sequence_ = *seq;
    header_.sequence = *seq;
    header_.created_at_us = now_micros();
    writer_.begin(header_);
    set_open_ = true;
    if (!run_.first_sequence) {
        run_.first_sequence = *seq;
    }
    run_.last_sequence = *seq;
    return ok();
}

Status DeltaWriter::write_change(wire::Op op, const HashedRow& row) {
    if (auto st = ensure_set(); !st) {
        return st;
    }
    const Hash128* parent = row.parent_bk ? &*row.parent_bk : nullptr;
    if (auto st = writer_.add_row(op, row.bk, row.data_hash, row.rowversion, parent, row.values);
        !st) {
        return st;
    }
    if (writer_.row_count() >= options_.max_rows_per_set ||
        writer_.body_bytes() >= options_.max_set_body_bytes) {
        return flush(false);
    }
    return ok();
}

Status DeltaWriter::record_failed(const FailedRow& row) {
    if (auto st = ensure_transaction(); !st) {
        return st;
    }
    ++run_.counts.failed;
    return failed_.insert(row);
}

Status DeltaWriter::add(std::span<HashedRow> rows, const RawBatch& raw,
                        std::span<const FailedRow> failed) {
    auto started = std::chrono::steady_clock::now();
    if (!cleared_source_failures_) {
        cleared_source_failures_ = true;
        if (auto st = replace_earlier_failures(); !st) {
            return st;
        }
    }
    for (const auto& f : failed) {
        if (auto st = record_failed(f); !st) {
            return st;
        }
    }
    for (auto& row : rows) {
        if (row.known_entry != KeyIndex::kNone) {
            // Byte-identical to the row this key was last read from: unchanged.
            if (index_.seen(row.known_entry)) {
                if (auto st = record_duplicate(row, raw); !st) {
                    return st;
                }
                continue;
            }
            index_.mark_seen(row.known_entry);
            ++run_.counts.skipped;
            continue;
        }
        std::uint32_t entry = index_.find(row.bk);
        if (entry != KeyIndex::kNone && index_.seen(entry)) {
            if (auto st = record_duplicate(row, raw); !st) {
                return st;
            }
            continue;
        }
        if (entry == KeyIndex::kNone) {
            if (auto st = ensure_set(); !st) {
                return st;
            }
            // rowid -1 until the batched insert assigns the real one.
            std::uint32_t added = index_.insert(row.bk, row.data_hash, -1);
            index_.mark_seen(added);
            raw_.push_back(row.raw_hash);
            if (auto st = state_.insert(index_, added, row.raw_hash); !st) {
                return st;
            }
            ++run_.counts.inserted;
            if (auto st = write_change(wire::Op::insert, row); !st) {
                return st;
            }
            continue;
        }
        index_.mark_seen(entry);
        KeyIndex::Entry& known = index_.at(entry);
        if (known.data_hash == row.data_hash) {
            ++run_.counts.skipped;
            if (!row.raw_hash.is_zero()) {
                // Same data written differently (e.g. "2.50" for "2.5"): remember the
                // new bytes so the next read of this file skips the row outright.
                if (auto st = ensure_transaction(); !st) {
                    return st;
                }
                if (auto st = state_.update_raw(known.rowid, row.raw_hash); !st) {
                    return st;
                }
                raw_[entry] = row.raw_hash;
            }
            continue;
        }
        if (auto st = ensure_set(); !st) {
            return st;
        }
        if (auto st = state_.update(known.rowid, row.data_hash, row.raw_hash); !st) {
            return st;
        }
        known.data_hash = row.data_hash;
        raw_[entry] = row.raw_hash;
        ++run_.counts.updated;
        if (auto st = write_change(wire::Op::update, row); !st) {
            return st;
        }
    }
    run_.durations.delta_us += elapsed_us(started);
    return ok();
}

Status DeltaWriter::record_duplicate(const HashedRow& row, const RawBatch& raw) {
    FailedRow dup;
    dup.run_id = run_.run_id;
    dup.entity = entity_.name;
    dup.stage = "validate";
    dup.error = "duplicate business key: the same key appeared earlier in this read";
    dup.source = run_.source;
    dup.location = raw.location(row.raw_index);
    dup.raw = raw.raw(row.raw_index);
    dup.cells = cells_json(raw.columns(), raw.row(row.raw_index));
    dup.created_at = now_micros();
    --run_.counts.validated;
    return record_failed(dup);
}

Status DeltaWriter::replace_earlier_failures() {
    if (options_.replace_failed_ids.empty() && !options_.full_read) {
        return ok();  // incremental reads keep failures until retried or purged
    }
    if (auto st = ensure_transaction(); !st) {
        return st;
    }
    if (!options_.replace_failed_ids.empty()) {
        auto remove = store_.db().prepare("DELETE FROM failed_rows WHERE id = ?1");
        if (!remove) {
            return std::move(remove).error();
        }
        for (auto id : options_.replace_failed_ids) {
            remove->bind(1, id);
            if (auto st = remove->run(); !st) {
                return st;
            }
        }
        return ok();
    }
    // A new full read of a source replaces the failures an earlier read of the
    // same source left behind: rows still broken fail again in this run.
    auto clear = store_.db().prepare("DELETE FROM failed_rows WHERE entity = ?1 AND source = ?2");
    if (!clear) {
        return std::move(clear).error();
    }
    clear->bind_view(1, entity_.name).bind_view(2, run_.source);
    return clear->run();
}

Status DeltaWriter::flush(bool commit) {
    auto started = std::chrono::steady_clock::now();
    if (set_open_) {
        auto frame = writer_.finish({.compress = true, .zstd_level = options_.zstd_level});
        if (!frame) {
            return std::move(frame).error();
        }
        OutboxEntry entry{set_sequence_,
                          entity_.name,
                          run_.run_id,
                          header_.created_at_us,
                          static_cast<std::int64_t>(writer_.row_count()),
                          std::move(*frame)};
        if (auto st = outbox_.append(entry); !st) {
            return st;
        }
        set_open_ = false;
        ++uncommitted_sets_;
    }
    if (tx_open_ && (commit || uncommitted_sets_ >= options_.sets_per_commit)) {
        if (auto st = state_.flush(index_); !st) {
            return st;
        }
        std::int64_t rows = initial_rows_ + run_.counts.inserted - run_.counts.deleted;
        if (auto st = store_.set_row_count(entity_.entity_id, rows); !st) {
            return st;
        }
        if (auto st = store_.db().commit(); !st) {
            return st;
        }
        tx_open_ = false;
        uncommitted_sets_ = 0;
    }
    run_.durations.outbox_us += elapsed_us(started);
    return ok();
}

Status DeltaWriter::apply_deletes() {
    std::vector<std::uint32_t> doomed;
    index_.for_each_unseen([&](std::uint32_t i) { doomed.push_back(i); });
    if (doomed.empty()) {
        return ok();
    }
    double fraction = initial_rows_ == 0
                          ? 1.0
                          : static_cast<double>(doomed.size()) / static_cast<double>(initial_rows_);
    if (fraction > options_.max_delete_fraction && !options_.force) {
        refused_ = true;
        run_.error = fmt::format(
            "refused: this read would delete {} of {} {} rows ({:.1f}%), more than "
            "max_delete_fraction {:.1f}%; check the source, then re-run with --force to apply",
            doomed.size(), initial_rows_, entity_.name, fraction * 100,
            options_.max_delete_fraction * 100);
        return ok();
    }
    HashedRow removed;
    for (std::uint32_t i : doomed) {
        if (auto st = ensure_set(); !st) {
            return st;
        }
        KeyIndex::Entry& e = index_.at(i);
        if (auto st = state_.remove(e.rowid); !st) {
            return st;
        }
        e.rowid = 0;  // gone from the state table; not saved in the next snapshot
        removed.bk = e.bk;
        ++run_.counts.deleted;
        if (auto st = write_change(wire::Op::remove, removed); !st) {
            return st;
        }
    }
    return ok();
}

Status DeltaWriter::finish(bool read_complete) {
    if (options_.full_read && read_complete) {
        auto started = std::chrono::steady_clock::now();
        if (auto st = apply_deletes(); !st) {
            return st;
        }
        run_.durations.delta_us += elapsed_us(started);
        if (!refused_) {
            if (auto st = ensure_transaction(); !st) {
                return st;
            }
            if (auto st = store_.mark_full_read(entity_.entity_id, now_micros()); !st) {
                return st;
            }
            // A complete snapshot supersedes every earlier one, whatever its file
            // was called: failures left by earlier reads are stale now.
            auto stale =
                store_.db().prepare("DELETE FROM failed_rows WHERE entity = ?1 AND run_id <> ?2");
            if (!stale) {
                return std::move(stale).error();
            }
            stale->bind_view(1, entity_.name).bind_view(2, run_.run_id);
            if (auto st = stale->run(); !st) {
                return st;
            }
        }
    }
    if (auto st = flush(true); !st) {
        return st;
    }
    auto started = std::chrono::steady_clock::now();
    save_snapshot();
    run_.durations.delta_us += elapsed_us(started);
    return ok();
}

void DeltaWriter::abandon() {
    if (tx_open_) {
        (void)store_.db().rollback();
        tx_open_ = false;
    }
    set_open_ = false;
    uncommitted_sets_ = 0;
}

}  // namespace cs::agent
