#include "agent/delta/state_table.hpp"

#include <cstring>

#include <fmt/format.h>

namespace cs::agent {
namespace {

sqlite::Statement& bind_raw(sqlite::Statement& s, int index, const Hash128& raw) {
    return raw.is_zero() ? s.bind_null(index) : s.bind_blob(index, raw.bytes.data(), 16);
}

std::string insert_sql(const std::string& table, std::size_t rows) {
    std::string sql = fmt::format("INSERT INTO {}(bk, data_hash, raw_hash) VALUES ", table);
    for (std::size_t i = 0; i < rows; ++i) {
        sql +=
            fmt::format("{}(?{}, ?{}, ?{})", i == 0 ? "" : ", ", 3 * i + 1, 3 * i + 2, 3 * i + 3);
    }
    return sql;
}

}  // namespace

Expected<StateTable> StateTable::prepare(sqlite::Database& db, const std::string& table) {
    StateTable t;
    t.db_ = &db;
    auto one = db.prepare(insert_sql(table, 1));
    auto batch = db.prepare(insert_sql(table, kInsertBatch));
    auto upd = db.prepare(
        fmt::format("UPDATE {} SET data_hash = ?1, raw_hash = ?2 WHERE rowid = ?3", table));
    auto raw = db.prepare(fmt::format("UPDATE {} SET raw_hash = ?1 WHERE rowid = ?2", table));
    auto del = db.prepare(fmt::format("DELETE FROM {} WHERE rowid = ?1", table));
    for (auto* s : {&one, &batch, &upd, &raw, &del}) {
        if (!*s) {
            return std::move(*s).error();
        }
    }
    t.insert_one_ = std::move(*one);
    t.insert_batch_ = std::move(*batch);
    t.update_ = std::move(*upd);
    t.update_raw_ = std::move(*raw);
    t.remove_ = std::move(*del);
    t.pending_.reserve(kInsertBatch);
    return t;
}

Status StateTable::scan(sqlite::Database& db, const std::string& table,
                        const std::function<Status(const StateRow&)>& visit) {
    auto scan = db.prepare(fmt::format("SELECT rowid, bk, data_hash, raw_hash FROM {}", table));
    if (!scan) {
        return std::move(scan).error();
    }
    while (true) {
        auto step = scan->step();
        if (!step) {
            return std::move(step).error();
        }
        if (!*step) {
            return ok();
        }
        StateRow row;
        row.rowid = scan->column_int(0);
        auto bk = scan->column_blob(1);
        auto dh = scan->column_blob(2);
        row.intact = bk.size() == 16 && dh.size() == 16;
        if (row.intact) {
            std::memcpy(row.bk.bytes.data(), bk.data(), 16);
            std::memcpy(row.data_hash.bytes.data(), dh.data(), 16);
        }
        if (auto raw = scan->column_blob(3); raw.size() == 16) {
            std::memcpy(row.raw_hash.bytes.data(), raw.data(), 16);
        }
        if (auto st = visit(row); !st) {
            return st;
        }
    }
}

Status StateTable::insert(KeyIndex& index, std::uint32_t entry, const Hash128& raw_hash) {
    pending_.push_back(Pending{entry, raw_hash});
    if (pending_.size() == kInsertBatch) {
        return write_batch(index, insert_batch_, kInsertBatch);
    }
    return ok();
}

Status StateTable::flush(KeyIndex& index) {
    while (!pending_.empty()) {
        if (auto st = write_batch(index, insert_one_, 1); !st) {
            return st;
        }
    }
    return ok();
}

Status StateTable::write_batch(KeyIndex& index, sqlite::Statement& statement, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        const KeyIndex::Entry& e = index.at(pending_[i].entry);
        int base = static_cast<int>(3 * i);
        statement.bind_blob(base + 1, e.bk.bytes.data(), 16)
            .bind_blob(base + 2, e.data_hash.bytes.data(), 16);
        bind_raw(statement, base + 3, pending_[i].raw);
    }
    if (auto st = statement.run(); !st) {
        return st;
    }
    // A multi-row INSERT into a table without AUTOINCREMENT appends consecutive
    // rowids, the last of which SQLite reports.
    std::int64_t last = db_->last_insert_rowid();
    for (std::size_t i = 0; i < count; ++i) {
        index.at(pending_[i].entry).rowid = last - static_cast<std::int64_t>(count - 1 - i);
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
    return ok();
}

Status StateTable::update(std::int64_t rowid, const Hash128& data_hash, const Hash128& raw_hash) {
    update_.bind_blob(1, data_hash.bytes.data(), 16);
    bind_raw(update_, 2, raw_hash).bind(3, rowid);
    return update_.run();
}

Status StateTable::update_raw(std::int64_t rowid, const Hash128& raw_hash) {
    bind_raw(update_raw_, 1, raw_hash).bind(2, rowid);
    return update_raw_.run();
}

Status StateTable::remove(std::int64_t rowid) {
    remove_.bind(1, rowid);
    return remove_.run();
}

}  // namespace cs::agent
