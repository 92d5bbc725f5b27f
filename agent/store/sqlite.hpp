#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace cs::agent::sqlite {

// A prepared statement. Binding indexes are 1-based, column indexes 0-based
// (SQLite's own conventions). Text and blobs bound with bind_view must outlive
// the next step().
class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);                    // copied by SQLite
    Statement& bind_view(int index, std::string_view text);               // not copied
    Statement& bind_blob(int index, const void* data, std::size_t size);  // not copied
    Statement& bind_null(int index);
    Statement& bind_optional(int index, const std::optional<std::string>& text);

    // true: a row is available; false: done.
    Expected<bool> step();
    // Runs to completion, for statements that return no rows.
    Status run();
    void reset();

    bool is_null(int column) const;
    std::int64_t column_int(int column) const;
    std::string_view column_text(int column) const;
    std::string_view column_blob(int column) const;

private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

struct OpenOptions {
    bool create = true;
    // FULL fsyncs the WAL on every commit: a committed change set and its
    // sequence number survive power loss, so a sequence is never reused.
    bool synchronous_full = true;
    int cache_mb = 16;
    int busy_timeout_ms = 10'000;
};

class Database {
public:
    Database() = default;
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    static Expected<Database> open(const std::filesystem::path& path,
                                   const OpenOptions& options = {});

    Status exec(std::string_view sql);
    Expected<Statement> prepare(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    const std::string& path() const { return path_; }

    Status begin();  // BEGIN IMMEDIATE: take the write lock up front
    Status commit();
    Status rollback();

    sqlite3* handle() const { return db_; }

private:
    Error error(std::string_view what) const;

    sqlite3* db_ = nullptr;
    std::string path_;
};

// Commits on commit(), rolls back if destroyed before that.
class Transaction {
public:
    static Expected<Transaction> begin(Database& db);
    ~Transaction();
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;

    Status commit();

private:
    explicit Transaction(Database& db) : db_(&db) {}
    Database* db_;
};

// Steps `s` to its end, turning each row into a value with `read(s)`, then
// resets it for reuse.
template <typename Read>
auto collect(Statement& s, Read read) -> Expected<std::vector<decltype(read(s))>> {
    std::vector<decltype(read(s))> out;
    while (true) {
        auto row = s.step();
        if (!row) {
            return std::move(row).error();
        }
        if (!*row) {
            break;
        }
        out.push_back(read(s));
    }
    s.reset();
    return out;
}

}  // namespace cs::agent::sqlite
