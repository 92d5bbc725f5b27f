#include "agent/store/state_db.hpp"

#include <chrono>

#include "common/uuid/uuid.hpp"

namespace cs::agent {
namespace {

// Versioned schema. Append new steps; never edit a released one.
constexpr const char* kMigrations[] = {
    // 1: initial schema
    R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE entities (
    entity_id         INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    row_count         INTEGER NOT NULL DEFAULT 0,
    state_version     INTEGER NOT NULL DEFAULT 0,
    watermark         TEXT,
    cursor            TEXT,
    last_full_read_at INTEGER,
    created_at        INTEGER NOT NULL
);

CREATE TABLE outbox (
    sequence   INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL,
    run_id     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    row_count  INTEGER NOT NULL,
    frame      BLOB NOT NULL
);

CREATE TABLE quarantine (
    sequence       INTEGER PRIMARY KEY,
    entity         TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    row_count      INTEGER NOT NULL,
    frame          BLOB NOT NULL,
    quarantined_at INTEGER NOT NULL,
    error          TEXT NOT NULL
);

CREATE TABLE failed_rows (
    id         INTEGER PRIMARY KEY,
    run_id     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    stage      TEXT NOT NULL,
    field      TEXT,
    error      TEXT NOT NULL,
    value      TEXT,
    source     TEXT,
    line       INTEGER,
    record     INTEGER,
    page       INTEGER,
    raw        TEXT,
    cells      TEXT,
    created_at INTEGER NOT NULL,
    reported   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX failed_rows_by_entity ON failed_rows(entity, id);

CREATE TABLE runs (
    run_id         TEXT PRIMARY KEY,
    entity         TEXT NOT NULL,
    source         TEXT,
    mode           TEXT NOT NULL,
    status         TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    counts         TEXT,
    durations      TEXT,
    error          TEXT,
    note           TEXT,
    first_sequence INTEGER,
    last_sequence  INTEGER,
    reported       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_entity ON runs(entity, started_at);

CREATE TABLE processed_files (
    entity       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    name         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    processed_at INTEGER NOT NULL,
    run_id       TEXT NOT NULL,
    PRIMARY KEY (entity, content_hash)
) WITHOUT ROWID;
)sql",
};

}  // namespace

std::int64_t now_micros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Expected<StateDb> StateDb::open(const std::filesystem::path& path,
                                const sqlite::OpenOptions& options) {
    auto db = sqlite::Database::open(path, options);
    if (!db) {
        return std::move(db).error();
    }
    StateDb store;
    store.db_ = std::move(*db);
    if (auto st = store.migrate(); !st) {
        return std::move(st).error();
    }
    if (auto st = store.load_meta(); !st) {
        return std::move(st).error();
    }
    return store;
}

Status StateDb::migrate() {
    auto version_stmt = db_.prepare("PRAGMA user_version");
    if (!version_stmt) {
        return std::move(version_stmt).error();
    }
    auto has_row = version_stmt->step();
    if (!has_row) {
        return std::move(has_row).error();
    }
    int version = static_cast<int>(version_stmt->column_int(0));
    version_stmt->reset();
    constexpr int latest = static_cast<int>(std::size(kMigrations));
    if (version > latest) {
        return make_error(ErrorCode::invalid_argument,
                          "{}: state schema version {} is newer than this agent understands ({}); "
                          "use a newer contractsync-agent",
                          db_.path(), version, latest);
    }
    for (int v = version; v < latest; ++v) {
        auto tx = sqlite::Transaction::begin(db_);
        if (!tx) {
            return std::move(tx).error();
        }
        if (auto st = db_.exec(kMigrations[v]); !st) {
            return std::move(st).error().wrap(fmt::format("migration {}", v + 1));
        }
        if (auto st = db_.exec(fmt::format("PRAGMA user_version = {}", v + 1)); !st) {
            return st;
        }
        if (auto st = tx->commit(); !st) {
            return st;
        }
    }
    return ok();
}

Status StateDb::load_meta() {
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) {
        return std::move(tx).error();
    }
    auto get = db_.prepare("SELECT value FROM meta WHERE key = 'stream_id'");
    if (!get) {
        return std::move(get).error();
    }
    auto row = get->step();
    if (!row) {
        return std::move(row).error();
    }
    if (*row) {
        stream_id_ = std::string(get->column_text(0));
        get->reset();
        return tx->commit();
    }
    get->reset();
    stream_id_ = uuid_v7().to_string();
    auto put = db_.prepare(
        "INSERT INTO meta(key, value) VALUES ('stream_id', ?1), ('next_sequence', '1'), "
        "('created_at', ?2)");
    if (!put) {
        return std::move(put).error();
    }
    put->bind(1, std::string_view(stream_id_))
        .bind(2, std::string_view(std::to_string(now_micros())));
    if (auto st = put->run(); !st) {
        return st;
    }
    return tx->commit();
}

Expected<std::uint64_t> StateDb::peek_next_sequence() {
    auto get = db_.prepare("SELECT value FROM meta WHERE key = 'next_sequence'");
    if (!get) {
        return std::move(get).error();
    }
    auto row = get->step();
    if (!row) {
        return std::move(row).error();
    }
    if (!*row) {
        return make_error(ErrorCode::internal, "{}: next_sequence missing from meta", db_.path());
    }
    return static_cast<std::uint64_t>(std::stoull(std::string(get->column_text(0))));
}

Expected<std::uint64_t> StateDb::allocate_sequence() {
    auto next = peek_next_sequence();
    if (!next) {
        return next;
    }
    auto put = db_.prepare("UPDATE meta SET value = ?1 WHERE key = 'next_sequence'");
    if (!put) {
        return std::move(put).error();
    }
    put->bind(1, std::string_view(std::to_string(*next + 1)));
    if (auto st = put->run(); !st) {
        return std::move(st).error();
    }
    return *next;
}

std::string StateDb::state_table(std::int64_t entity_id) {
    return fmt::format("state_{}", entity_id);
}

Expected<std::optional<EntityRecord>> StateDb::find_entity(const std::string& name) {
    auto get = db_.prepare(
        "SELECT entity_id, row_count, watermark, cursor, last_full_read_at, state_version FROM "
        "entities WHERE name = ?1");
    if (!get) {
        return std::move(get).error();
    }
    get->bind(1, std::string_view(name));
    auto row = get->step();
    if (!row) {
        return std::move(row).error();
    }
    if (!*row) {
        return std::optional<EntityRecord>();
    }
    EntityRecord e;
    e.entity_id = get->column_int(0);
    e.name = name;
    e.row_count = get->column_int(1);
    if (!get->is_null(2)) {
        e.watermark = std::string(get->column_text(2));
    }
    if (!get->is_null(3)) {
        e.cursor = std::string(get->column_text(3));
    }
    if (!get->is_null(4)) {
        e.last_full_read_at = get->column_int(4);
    }
    e.state_version = get->column_int(5);
    return std::optional<EntityRecord>(std::move(e));
}

Expected<EntityRecord> StateDb::entity(const std::string& name) {
    auto found = find_entity(name);
    if (!found) {
        return std::move(found).error();
    }
    if (*found) {
        return std::move(**found);
    }
    auto tx = sqlite::Transaction::begin(db_);
    if (!tx) {
        return std::move(tx).error();
    }
    auto insert = db_.prepare("INSERT INTO entities(name, created_at) VALUES (?1, ?2)");
    if (!insert) {
        return std::move(insert).error();
    }
    insert->bind(1, std::string_view(name)).bind(2, now_micros());
    if (auto st = insert->run(); !st) {
        return std::move(st).error();
    }
    EntityRecord e;
    e.entity_id = db_.last_insert_rowid();
    e.name = name;
    // A rowid table without indexes: inserts append, updates and deletes address
    // rows by rowid, and the delta stage reads it with one sequential scan.
    // raw_hash identifies the source bytes the row was last read from.
    if (auto st = db_.exec(fmt::format(
            "CREATE TABLE {} (bk BLOB NOT NULL, data_hash BLOB NOT NULL, raw_hash BLOB)",
            state_table(e.entity_id)));
        !st) {
        return std::move(st).error();
    }
    if (auto st = tx->commit(); !st) {
        return std::move(st).error();
    }
    return e;
}

namespace {

Status update_entity(sqlite::Database& db, std::string_view sql, std::int64_t entity_id,
                     const std::optional<std::string>& text, std::optional<std::int64_t> number) {
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return std::move(stmt).error();
    }
    if (number) {
        stmt->bind(1, *number);
    } else {
        stmt->bind_optional(1, text);
    }
    stmt->bind(2, entity_id);
    return stmt->run();
}

}  // namespace

Status StateDb::set_row_count(std::int64_t entity_id, std::int64_t count) {
    return update_entity(db_,
                         "UPDATE entities SET row_count = ?1, state_version = state_version + 1 "
                         "WHERE entity_id = ?2",
                         entity_id, std::nullopt, count);
}

Status StateDb::set_watermark(std::int64_t entity_id, const std::optional<std::string>& watermark) {
    return update_entity(db_, "UPDATE entities SET watermark = ?1 WHERE entity_id = ?2", entity_id,
                         watermark, std::nullopt);
}

Status StateDb::set_cursor(std::int64_t entity_id, const std::optional<std::string>& cursor) {
    return update_entity(db_, "UPDATE entities SET cursor = ?1 WHERE entity_id = ?2", entity_id,
                         cursor, std::nullopt);
}

Status StateDb::mark_full_read(std::int64_t entity_id, std::int64_t at_micros) {
    return update_entity(db_, "UPDATE entities SET last_full_read_at = ?1 WHERE entity_id = ?2",
                         entity_id, std::nullopt, at_micros);
}

Expected<std::optional<std::string>> StateDb::last_processed_fingerprint(
    const std::string& entity) {
    auto s = db_.prepare(
        "SELECT content_hash FROM processed_files WHERE entity = ?1 ORDER BY processed_at DESC "
        "LIMIT 1");
    if (!s) {
        return std::move(s).error();
    }
    s->bind_view(1, entity);
    auto row = s->step();
    if (!row) {
        return std::move(row).error();
    }
    if (!*row) {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(std::string(s->column_text(0)));
}

Status StateDb::remember_processed_file(const std::string& entity, const std::string& fingerprint,
                                        const std::string& name, std::uint64_t size,
                                        const std::string& run_id) {
    auto s = db_.prepare(
        "INSERT OR REPLACE INTO processed_files(entity, content_hash, name, size, processed_at, "
        "run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s) {
        return std::move(s).error();
    }
    s->bind_view(1, entity)
        .bind_view(2, fingerprint)
        .bind_view(3, name)
        .bind(4, static_cast<std::int64_t>(size))
        .bind(5, now_micros())
        .bind_view(6, run_id);
    return s->run();
}

}  // namespace cs::agent
