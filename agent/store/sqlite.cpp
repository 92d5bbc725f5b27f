#include "agent/store/sqlite.hpp"

#include <sqlite3.h>

namespace cs::agent::sqlite {

Statement::~Statement() {
    if (stmt_ != nullptr) {
        sqlite3_finalize(stmt_);
    }
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (stmt_ != nullptr) {
            sqlite3_finalize(stmt_);
        }
        db_ = other.db_;
        stmt_ = other.stmt_;
        other.stmt_ = nullptr;
    }
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind_view(int index, std::string_view text) {
    sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
    sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_STATIC);
    return *this;
}

Statement& Statement::bind_null(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Expected<bool> Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    return make_error(rc == SQLITE_FULL ? ErrorCode::io_error : ErrorCode::internal,
                      "sqlite: {} (in: {})", sqlite3_errmsg(db_), sqlite3_sql(stmt_));
}

Status Statement::run() {
    auto r = step();
    reset();
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

void Statement::reset() {
    // Bindings stay: long-lived statements rebind every parameter before each
    // step, and clearing 96 of them per batched insert is measurable.
    sqlite3_reset(stmt_);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string_view Statement::column_text(int column) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p == nullptr
               ? std::string_view()
               : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::column_blob(int column) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    return p == nullptr
               ? std::string_view()
               : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

Database::~Database() {
    if (db_ != nullptr) {
        sqlite3_close_v2(db_);
    }
}

Database::Database(Database&& other) noexcept : db_(other.db_), path_(std::move(other.path_)) {
    other.db_ = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (db_ != nullptr) {
            sqlite3_close_v2(db_);
        }
        db_ = other.db_;
        path_ = std::move(other.path_);
        other.db_ = nullptr;
    }
    return *this;
}

Error Database::error(std::string_view what) const {
    return make_error(ErrorCode::io_error, "{}: {}: {}", path_, what,
                      db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory");
}

Expected<Database> Database::open(const std::filesystem::path& path, const OpenOptions& options) {
    Database db;
    db.path_ = path.string();
    int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (options.create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(db.path_.c_str(), &db.db_, flags, nullptr) != SQLITE_OK) {
        return db.error("cannot open database");
    }
    sqlite3_busy_timeout(db.db_, options.busy_timeout_ms);
    std::string pragmas = fmt::format(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous={}; PRAGMA foreign_keys=ON; "
        "PRAGMA cache_size=-{}; PRAGMA temp_store=FILE;",
        options.synchronous_full ? "FULL" : "NORMAL", options.cache_mb * 1024);
    if (auto st = db.exec(pragmas); !st) {
        return std::move(st).error();
    }
    return db;
}

Status Database::exec(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message != nullptr ? message : sqlite3_errmsg(db_);
        sqlite3_free(message);
        return make_error(ErrorCode::io_error, "{}: {}", path_, why);
    }
    return ok();
}

Expected<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt, nullptr) != SQLITE_OK) {
        return error(fmt::format("cannot prepare '{}'", sql));
    }
    return Statement(db_, stmt);
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
    return sqlite3_changes(db_);
}

Status Database::begin() {
    return exec("BEGIN IMMEDIATE");
}
Status Database::commit() {
    return exec("COMMIT");
}
Status Database::rollback() {
    return exec("ROLLBACK");
}

Expected<Transaction> Transaction::begin(Database& db) {
    if (auto st = db.begin(); !st) {
        return std::move(st).error();
    }
    return Transaction(db);
}

Transaction::~Transaction() {
    if (db_ != nullptr) {
        (void)db_->rollback();
    }
}

Status Transaction::commit() {
    Database* db = db_;
    db_ = nullptr;
    return db->commit();
}

}  // namespace cs::agent::sqlite
