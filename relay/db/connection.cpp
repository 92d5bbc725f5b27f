#include "relay/db/connection.hpp"

#include <charconv>

#include <fmt/format.h>

#include "common/text/hex.hpp"

namespace cs::relay::db {
namespace {

std::string trimmed(const char* text) {
    std::string out = text != nullptr ? text : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

}  // namespace

bool Result::is_null(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) != 0;
}

std::string_view Result::text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t Result::integer(int row, int column) const {
    auto t = text(row, column);
    std::int64_t value = 0;
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
}

std::string Result::bytea(int row, int column) const {
    auto t = text(row, column);
    if (t.size() < 2 || t[0] != '\\' || t[1] != 'x') {
        return {};
    }
    // PostgreSQL's hex output format: "\x" and two digits a byte.
    return text::decode_hex(t.substr(2)).value_or(std::string());
}

std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(result_.get());
    std::int64_t value = 0;
    std::from_chars(n, n + std::char_traits<char>::length(n), value);
    return value;
}

ErrorCode classify_sqlstate(std::string_view state) {
    if (state.size() != 5) {
        return ErrorCode::unavailable;  // no SQLSTATE: the connection itself failed
    }
    auto cls = state.substr(0, 2);
    // 08 connection, 53 resources, 57 operator intervention (shutdown, cancel,
    // timeout), 58 system/I-O errors, 40 serialization/deadlock, 55P03 lock not
    // available: all can succeed if tried again later.
    if (cls == "08" || cls == "53" || cls == "57" || cls == "58" || cls == "40" ||
        state == "55P03") {
        return ErrorCode::unavailable;
    }
    // 22 data exceptions and 23 integrity violations: this input cannot be stored.
    if (cls == "22" || cls == "23") {
        return ErrorCode::invalid_argument;
    }
    return ErrorCode::internal;
}

Expected<std::unique_ptr<Connection>> Connection::open(const ConnectOptions& options) {
    auto timeout_s = std::max<std::int64_t>(
        1, std::chrono::duration_cast<std::chrono::seconds>(options.connect_timeout).count());
    std::string timeout = std::to_string(timeout_s);
    std::string server_options;
    if (options.statement_timeout.count() > 0) {
        server_options = fmt::format("-c statement_timeout={}", options.statement_timeout.count());
    }
    if (options.lock_timeout.count() > 0) {
        server_options += fmt::format("{}-c lock_timeout={}", server_options.empty() ? "" : " ",
                                      options.lock_timeout.count());
    }
    // Defaults first, then the DSN (expanded from dbname), then what must win.
    std::vector<const char*> keys{"application_name",    "keepalives",       "keepalives_idle",
                                  "keepalives_interval", "keepalives_count", "dbname",
                                  "connect_timeout"};
    std::vector<const char*> values{options.application_name.c_str(),
                                    "1",
                                    "30",
                                    "10",
                                    "3",
                                    options.dsn.c_str(),
                                    timeout.c_str()};
    if (!server_options.empty()) {
        keys.push_back("options");
        values.push_back(server_options.c_str());
    }
    if (!options.user.empty()) {
        keys.push_back("user");
        values.push_back(options.user.c_str());
    }
    if (!options.password.empty()) {
        keys.push_back("password");
        values.push_back(options.password.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 1);
    if (conn == nullptr) {
        return make_error(ErrorCode::unavailable, "connecting to PostgreSQL: out of memory");
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string why = trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return make_error(ErrorCode::unavailable, "connecting to PostgreSQL: {}", why);
    }
    // Notices (e.g. "relation already exists, skipping") are not errors; keep them
    // out of stderr, where they would interleave with structured logs.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::Connection(PGconn* conn) : conn_(conn), cancel_(PQgetCancel(conn)) {}

Connection::~Connection() {
    if (cancel_ != nullptr) {
        PQfreeCancel(cancel_);
    }
    PQfinish(conn_);
}

Error Connection::error_from(std::string_view what, const PGresult* result) const {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string_view sqlstate = state != nullptr ? state : "";
    last_sqlstate_ = sqlstate;
    std::string message = result != nullptr ? trimmed(PQresultErrorMessage(result)) : "";
    if (message.empty()) {
        message = trimmed(PQerrorMessage(conn_));
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
        return make_error(ErrorCode::unavailable, "{}: connection to PostgreSQL lost: {}", what,
                          message);
    }
    // Only the primary message and detail: the full message repeats "ERROR:".
    if (result != nullptr) {
        const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
        const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
        if (primary != nullptr) {
            message = primary;
            if (detail != nullptr) {
                message += fmt::format(" ({})", detail);
            }
        }
    }
    return make_error(classify_sqlstate(sqlstate), "{}: {} [SQLSTATE {}]", what, message,
                      sqlstate.empty() ? "none" : sqlstate);
}

Expected<Result> Connection::exec(std::string_view what, std::string_view sql) {
    PGresult* raw = PQexec(conn_, std::string(sql).c_str());
    Result result(raw);
    auto status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return error_from(what, raw);
    }
    return result;
}

Expected<Result> Connection::query(std::string_view what, std::string_view sql,
                                   const Params& params) {
    auto pointers = params.pointers();
    PGresult* raw =
        PQexecParams(conn_, std::string(sql).c_str(), params.size(), nullptr, pointers.data(),
                     params.lengths().data(), params.formats().data(), 0);
    Result result(raw);
    auto status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return error_from(what, raw);
    }
    return result;
}

Expected<std::int64_t> Connection::copy_in(std::string_view what, std::string_view copy_sql,
                                           std::string_view data) {
    PGresult* start = PQexec(conn_, std::string(copy_sql).c_str());
    if (start == nullptr || PQresultStatus(start) != PGRES_COPY_IN) {
        Result owned(start);
        return error_from(what, start);
    }
    PQclear(start);
    // Chunks keep libpq's output buffer small; the server parses while we send.
    constexpr std::size_t kChunk = 1u << 20;
    bool send_failed = false;
    for (std::size_t pos = 0; pos < data.size() && !send_failed; pos += kChunk) {
        auto n = std::min(kChunk, data.size() - pos);
        send_failed = PQputCopyData(conn_, data.data() + pos, static_cast<int>(n)) != 1;
    }
    if (!send_failed) {
        send_failed = PQputCopyEnd(conn_, nullptr) != 1;
    }
    if (send_failed) {
        return error_from(what, nullptr);
    }
    // The first result carries the server's verdict; drain the rest so the
    // connection is ready for the next command.
    Result result(PQgetResult(conn_));
    while (PGresult* extra = PQgetResult(conn_)) {
        PQclear(extra);
    }
    if (result.get() == nullptr || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        return error_from(what, result.get());
    }
    return result.affected();
}

bool Connection::ok() const {
    return PQstatus(conn_) == CONNECTION_OK;
}

bool Connection::idle_and_ok() const {
    return ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void Connection::cancel() {
    if (cancel_ != nullptr) {
        char buffer[256];
        PQcancel(cancel_, buffer, sizeof(buffer));
    }
}

Expected<Transaction> Transaction::begin(Connection& conn) {
    // Inside a caller's transaction (an API request) this becomes a savepoint, so
    // helpers that need atomicity compose without committing the caller's work.
    bool nested = PQtransactionStatus(conn.native()) == PQTRANS_INTRANS;
    if (auto r = conn.query("BEGIN", nested ? "SAVEPOINT cs_nested" : "BEGIN"); !r) {
        return std::move(r).error();
    }
    return Transaction(conn, nested);
}

Transaction::~Transaction() {
    if (conn_ != nullptr && conn_->ok()) {
        (void)conn_->exec(
            "ROLLBACK",
            nested_ ? "ROLLBACK TO SAVEPOINT cs_nested; RELEASE SAVEPOINT cs_nested" : "ROLLBACK");
    }
}

Status Transaction::commit() {
    auto* conn = conn_;
    conn_ = nullptr;
    if (auto r = conn->query("COMMIT", nested_ ? "RELEASE SAVEPOINT cs_nested" : "COMMIT"); !r) {
        return std::move(r).error();
    }
    return ok();
}

}  // namespace cs::relay::db
