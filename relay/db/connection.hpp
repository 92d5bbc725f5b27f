#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "common/base/expected.hpp"
#include "relay/db/params.hpp"

namespace cs::relay::db {

// One query result. Owns the PGresult; fields are read in text format unless the
// query asked for binary results.
class Result {
public:
    Result() = default;
    explicit Result(PGresult* result) : result_(result, &PQclear) {}

    int rows() const { return result_ ? PQntuples(result_.get()) : 0; }
    int columns() const { return result_ ? PQnfields(result_.get()) : 0; }
    bool is_null(int row, int column) const;
    std::string_view text(int row, int column) const;
    // Text-format integer column; 0 for null.
    std::int64_t integer(int row, int column) const;
    bool boolean(int row, int column) const { return text(row, column) == "t"; }
    // A bytea column read in text format ("\x..."), decoded to raw bytes.
    std::string bytea(int row, int column) const;
    // Rows touched by INSERT/UPDATE/DELETE/COPY.
    std::int64_t affected() const;
    const PGresult* get() const { return result_.get(); }

private:
    std::unique_ptr<PGresult, void (*)(PGresult*)> result_{nullptr, &PQclear};
};

struct ConnectOptions {
    std::string dsn;       // libpq key=value string or URI, without a password
    std::string password;  // empty: libpq's PGPASSWORD / .pgpass
    std::string application_name = "contractsync-relay";
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds statement_timeout{0};  // 0: server default
    std::chrono::milliseconds lock_timeout{0};       // 0: server default
    std::string user;  // empty: the DSN's (or libpq's default); else overrides it
};

// A blocking libpq connection. Every failure becomes a cs::Error whose message
// names the operation and carries PostgreSQL's message and SQLSTATE; failures
// worth retrying later (connection lost, server shutting down, out of resources,
// serialization failures, timeouts) get ErrorCode::unavailable.
class Connection {
public:
    static Expected<std::unique_ptr<Connection>> open(const ConnectOptions& options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Runs one or more statements without parameters; returns the last result.
    Expected<Result> exec(std::string_view what, std::string_view sql);
    // Runs one statement with parameters; results in text format.
    Expected<Result> query(std::string_view what, std::string_view sql, const Params& params = {});
    // COPY ... FROM STDIN with `data` as the whole payload; returns rows copied.
    Expected<std::int64_t> copy_in(std::string_view what, std::string_view copy_sql,
                                   std::string_view data);

    // Connected and not inside a transaction: safe to hand to someone else.
    bool idle_and_ok() const;
    bool ok() const;
    // Asks the server to cancel whatever this connection is running (thread-safe).
    void cancel();

    // SQLSTATE of the last failed command ("" when it had none), for callers
    // that handle one specific condition such as a unique violation.
    const std::string& last_sqlstate() const { return last_sqlstate_; }
    // Forgets it, e.g. when a pooled connection starts serving a new request.
    void clear_last_sqlstate() { last_sqlstate_.clear(); }

    // For LISTEN/NOTIFY loops.
    PGconn* native() { return conn_; }
    int socket() const { return PQsocket(conn_); }

private:
    explicit Connection(PGconn* conn);
    Error error_from(std::string_view what, const PGresult* result) const;

    PGconn* conn_;
    PGcancel* cancel_;
    mutable std::string last_sqlstate_;
};

// True for errors that mean "try again later" rather than "this input is bad".
inline bool is_transient(const Error& error) {
    return error.code == ErrorCode::unavailable;
}

// Classifies an SQLSTATE (five characters) into a cs::ErrorCode.
ErrorCode classify_sqlstate(std::string_view sqlstate);

// Runs `BEGIN` now and `ROLLBACK` on destruction unless commit() succeeded.
// Begun inside an open transaction it is a savepoint instead: commit() releases
// it and the outer transaction decides.
class Transaction {
public:
    static Expected<Transaction> begin(Connection& conn);
    Transaction(Transaction&& other) noexcept : conn_(other.conn_), nested_(other.nested_) {
        other.conn_ = nullptr;
    }
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Status commit();

private:
    Transaction(Connection& conn, bool nested) : conn_(&conn), nested_(nested) {}
    Connection* conn_;
    bool nested_ = false;
};

}  // namespace cs::relay::db
