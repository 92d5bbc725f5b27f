#include "agent/outbox/outbox.hpp"

#include "agent/store/state_db.hpp"

namespace cs::agent {
namespace {

// Columns: sequence, entity, run_id, created_at, row_count, frame.
OutboxEntry read_entry(sqlite::Statement& s) {
    OutboxEntry e;
    e.sequence = static_cast<std::uint64_t>(s.column_int(0));
    e.entity = s.column_text(1);
    e.run_id = s.column_text(2);
    e.created_at = s.column_int(3);
    e.row_count = s.column_int(4);
    e.frame = s.column_blob(5);
    return e;
}

}  // namespace

Status Outbox::append(const OutboxEntry& entry) {
    auto s = db_->prepare(
        "INSERT INTO outbox(sequence, entity, run_id, created_at, row_count, frame) VALUES (?1, "
        "?2, ?3, ?4, ?5, ?6)");
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, static_cast<std::int64_t>(entry.sequence))
        .bind_view(2, entry.entity)
        .bind_view(3, entry.run_id)
        .bind(4, entry.created_at)
        .bind(5, entry.row_count)
        .bind_blob(6, entry.frame.data(), entry.frame.size());
    return s->run();
}

Expected<std::vector<OutboxEntry>> Outbox::pending(std::uint64_t after, std::size_t limit) {
    auto s = db_->prepare(
        "SELECT sequence, entity, run_id, created_at, row_count, frame FROM outbox WHERE sequence "
        "> ?1 ORDER BY sequence LIMIT ?2");
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, static_cast<std::int64_t>(after)).bind(2, static_cast<std::int64_t>(limit));
    return sqlite::collect(*s, read_entry);
}

Expected<std::int64_t> Outbox::acknowledge_through(std::uint64_t sequence) {
    auto s = db_->prepare("DELETE FROM outbox WHERE sequence <= ?1");
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, static_cast<std::int64_t>(sequence));
    if (auto st = s->run(); !st) {
        return std::move(st).error();
    }
    return static_cast<std::int64_t>(db_->changes());
}

Status Outbox::quarantine(std::uint64_t sequence, const std::string& error) {
    auto tx = sqlite::Transaction::begin(*db_);
    if (!tx) {
        return std::move(tx).error();
    }
    auto move = db_->prepare(
        "INSERT OR REPLACE INTO quarantine(sequence, entity, run_id, created_at, row_count, frame, "
        "quarantined_at, error) SELECT sequence, entity, run_id, created_at, row_count, frame, ?2, "
        "?3 FROM outbox WHERE sequence = ?1");
    if (!move) {
        return std::move(move).error();
    }
    move->bind(1, static_cast<std::int64_t>(sequence)).bind(2, now_micros()).bind_view(3, error);
    if (auto st = move->run(); !st) {
        return st;
    }
    auto remove = db_->prepare("DELETE FROM outbox WHERE sequence = ?1");
    if (!remove) {
        return std::move(remove).error();
    }
    remove->bind(1, static_cast<std::int64_t>(sequence));
    if (auto st = remove->run(); !st) {
        return st;
    }
    return tx->commit();
}

Expected<std::vector<OutboxEntry>> Outbox::quarantined(std::size_t limit) {
    auto s = db_->prepare(
        "SELECT sequence, entity, run_id, created_at, row_count, frame FROM quarantine ORDER BY "
        "sequence LIMIT ?1");
    if (!s) {
        return std::move(s).error();
    }
    s->bind(1, static_cast<std::int64_t>(limit));
    return sqlite::collect(*s, read_entry);
}

Expected<OutboxStats> Outbox::stats() {
    auto s = db_->prepare(
        "SELECT count(*), coalesce(sum(length(frame)), 0), coalesce(sum(row_count), 0), "
        "min(created_at), (SELECT count(*) FROM quarantine) FROM outbox");
    if (!s) {
        return std::move(s).error();
    }
    auto row = s->step();
    if (!row) {
        return std::move(row).error();
    }
    OutboxStats st;
    st.depth = s->column_int(0);
    st.bytes = s->column_int(1);
    st.rows = s->column_int(2);
    if (!s->is_null(3)) {
        st.oldest_created_at = s->column_int(3);
    }
    st.quarantined = s->column_int(4);
    s->reset();
    return st;
}

}  // namespace cs::agent
