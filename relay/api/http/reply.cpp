#include "relay/api/http/reply.hpp"

#include <cstdint>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "relay/db/exact_json.hpp"

namespace cs::relay::api {
namespace {

std::string_view title_for(int status) {
    switch (status) {
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 503:
            return "Service Unavailable";
        default:
            return status >= 500 ? "Internal Server Error" : "Error";
    }
}

// What connection.cpp puts in every error PostgreSQL reported.
constexpr std::string_view kSqlStateMark = "[SQLSTATE ";

// 8 hex digits tying a reply to its log line.
std::string random_reference() {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:08x}", static_cast<std::uint32_t>(random()));
}

int status_for(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_argument:
        case ErrorCode::parse_error:
            return 400;
        case ErrorCode::unauthorized:
            return 401;
        case ErrorCode::not_found:
            return 404;
        case ErrorCode::conflict:
            return 409;
        case ErrorCode::limit_exceeded:
            return 413;
        case ErrorCode::unavailable:
            return 503;
        default:
            return 500;
    }
}

}  // namespace

Reply Reply::json(nlohmann::json body, int status) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Reply Reply::no_content() {
    Reply r;
    r.status = 204;
    return r;
}

Reply Reply::error(int status, std::string_view detail, nlohmann::json extra) {
    Reply r;
    r.status = status;
    r.problem = true;
    r.body = extra.is_object() ? std::move(extra) : nlohmann::json::object();
    r.body["type"] = "about:blank";
    r.body["title"] = title_for(status);
    r.body["status"] = status;
    r.body["detail"] = detail;
    return r;
}

Reply Reply::from(const Error& error) {
    int status = status_for(error.code);
    // Internal and database failures keep their details in the log, not the
    // reply: PostgreSQL's words name tables, columns and values.
    const bool from_database = error.message.find(kSqlStateMark) != std::string::npos;
    if (status >= 500 || from_database) {
        auto reference = random_reference();
        spdlog::log(status >= 500 ? spdlog::level::err : spdlog::level::warn,
                    "api: reference {}: {}", reference, error.message);
        std::string detail =
            status == 503   ? "the database is unavailable; try again shortly"
            : status >= 500 ? "internal error"
                            : "the database refused a value in this request; check its parameters";
        return Reply::error(status,
                            fmt::format("{} (reference {} in the relay log)", detail, reference));
    }
    return Reply::error(status, error.message);
}

server::HttpResponse Reply::to_http() const {
    server::HttpResponse r;
    r.status = status;
    r.headers = headers;
    if (!content_type.empty()) {
        r.content_type = content_type;
        r.body = raw;
        return r;
    }
    r.content_type = problem ? "application/problem+json" : "application/json";
    if (status != 204) {
        r.body = dump_json(body);
    }
    return r;
}

std::string dump_json(const nlohmann::json& value) {
    return db::dump_exact(value);
}

}  // namespace cs::relay::api
