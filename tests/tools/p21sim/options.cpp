// The command line of p21sim (README.md lists every flag).
#include <cstdlib>
#include <sstream>

#include <CLI/CLI.hpp>

#include "tests/tools/p21sim/clock.hpp"
#include "tests/tools/p21sim/config.hpp"

namespace cs::p21sim {

namespace {

struct RawFlags {
    std::string listen = "127.0.0.1:0";
    std::string password_env = "P21SIM_PASSWORD";
    std::string consumer_key_env = "P21SIM_CONSUMER_KEY";
    std::string rows;
    std::string data_end = "2025-06-01T00:00:00Z";
    std::string clock = "now";
    std::string datetime_style = "naive";
    std::string paging = "client";
    std::string nextlink = "absolute";
    std::string rate_limit = "off";
    std::string single_session = "true";
};

Status parse_listen(const std::string& text, ServerConfig& server) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        return make_error(ErrorCode::invalid_argument, "--listen '{}': expected host:port", text);
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    // The admin API has no authentication: only loopback addresses are allowed.
    if (host != "localhost" && host != "::1" && host.rfind("127.", 0) != 0) {
        return make_error(ErrorCode::invalid_argument,
                          "--listen '{}': the simulator listens on loopback addresses only "
                          "(127.0.0.0/8, ::1, localhost)",
                          text);
    }
    int port = -1;
    try {
        std::size_t used = 0;
        port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1) {
            port = -1;
        }
    } catch (const std::exception&) {
        port = -1;
    }
    if (port < 0 || port > 65535) {
        return make_error(ErrorCode::invalid_argument, "--listen '{}': bad port", text);
    }
    server.host = host == "localhost" ? "127.0.0.1" : host;
    server.port = static_cast<std::uint16_t>(port);
    return ok();
}

Expected<std::string> secret_from(const EnvLookup& env, const std::string& variable,
                                  const char* flag, bool required) {
    auto value = env(variable);
    if (!value || value->empty()) {
        if (required) {
            return make_error(ErrorCode::invalid_argument,
                              "{} {}: the environment variable {} is not set", flag, variable,
                              variable);
        }
        return std::string();
    }
    return *value;
}

Status finish(const RawFlags& raw, const CLI::App& app, const EnvLookup& env, Config& config) {
    if (auto s = parse_listen(raw.listen, config.server); !s) {
        return s;
    }
    auto password =
        secret_from(env, raw.password_env, "--password-env", app.count("--password-env") > 0);
    auto consumer = secret_from(env, raw.consumer_key_env, "--consumer-key-env",
                                app.count("--consumer-key-env") > 0);
    if (!password) {
        return password.error();
    }
    if (!consumer) {
        return consumer.error();
    }
    config.tokens.password = *password;
    config.tokens.consumer_key = *consumer;
    if (config.tokens.password.empty() && config.tokens.consumer_key.empty()) {
        return make_error(ErrorCode::invalid_argument,
                          "no credentials: set {} (user password, see --password-env) or {} "
                          "(consumer key, see --consumer-key-env)",
                          raw.password_env, raw.consumer_key_env);
    }
    config.tokens.single_session = raw.single_session == "true";
    auto rows = parse_row_counts(raw.rows);
    if (!rows) {
        return rows.error();
    }
    config.rows = *rows;
    auto utc = TimeZone::locate("UTC");
    if (!utc) {
        return utc.error();
    }
    if (raw.clock != "now") {
        auto start = parse_datetime(raw.clock, *utc);
        if (!start) {
            return start.error().wrap("--clock");
        }
        config.clock_start_ms = *start;
    }
    if (raw.data_end == "now") {
        // Dates end at the clock's start: realistic "last years", but the rows
        // then differ from day to day.
        config.data_end_ms = config.clock_start_ms.value_or(real_now_ms());
    } else {
        auto data_end = parse_datetime(raw.data_end, *utc);
        if (!data_end) {
            return data_end.error().wrap("--data-end");
        }
        config.data_end_ms = *data_end;
    }
    auto style = parse_datetime_style(raw.datetime_style);
    if (!style) {
        return style.error().wrap("--datetime-style");
    }
    config.datetime_style = *style;
    config.paging = raw.paging == "nextlink" ? Paging::nextlink : Paging::client;
    config.nextlink = raw.nextlink == "relative" ? LinkForm::relative : LinkForm::absolute;
    auto limit = parse_rate_limit(raw.rate_limit);
    if (!limit) {
        return limit.error().wrap("--rate-limit");
    }
    config.faults.rate_limit = *limit;
    if (config.server.tls_cert.empty() != config.server.tls_key.empty()) {
        return make_error(ErrorCode::invalid_argument, "--tls-cert and --tls-key go together");
    }
    if (!config.server.tls_cert.empty() && !config.server.tls_self_signed_dir.empty()) {
        return make_error(ErrorCode::invalid_argument,
                          "--tls-self-signed generates its own certificate: drop --tls-cert");
    }
    if (config.page_size == 0 || config.generic_page_size == 0) {
        return make_error(ErrorCode::invalid_argument, "page sizes must be at least 1");
    }
    return ok();
}

void add_flags(CLI::App& app, RawFlags& raw, Config& c) {
    auto& s = c.server;
    app.add_option("--listen", raw.listen, "host:port on loopback; port 0 picks a free port")
        ->capture_default_str();
    app.add_option("--threads", s.threads, "I/O threads")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    app.add_option("--read-timeout", s.read_timeout_s, "seconds to wait for a request (keep-alive)")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    app.add_option("--write-timeout", s.write_timeout_s, "seconds to send a response")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    app.add_option("--tls-cert", s.tls_cert, "PEM certificate chain: serve HTTPS");
    app.add_option("--tls-key", s.tls_key, "PEM private key for --tls-cert");
    app.add_option(
        "--tls-self-signed", s.tls_self_signed_dir,
        "generate ca.crt, server.crt, server.key for 127.0.0.1/localhost in DIR and serve HTTPS");
    app.add_flag("--log-requests", s.log_requests, "log one line per request to stderr");

    app.add_option("--user", c.tokens.user, "P21 user name")->capture_default_str();
    app.add_option("--password-env", raw.password_env, "environment variable holding the password")
        ->capture_default_str();
    app.add_option("--consumer-key-env", raw.consumer_key_env,
                   "environment variable holding the consumer key (client_credentials)")
        ->capture_default_str();
    app.add_option("--token-ttl", c.tokens.ttl_seconds,
                   "token lifetime, seconds of simulator clock")
        ->check(CLI::Range(1, 365 * 86400))
        ->capture_default_str();
    app.add_option("--token-max-requests", c.tokens.max_requests,
                   "a token stops working after N data requests (0: never)");
    app.add_option("--single-session", raw.single_session,
                   "a new token invalidates the principal's earlier tokens")
        ->check(CLI::IsMember({"true", "false"}))
        ->capture_default_str();
    app.add_option("--deny-table", c.deny_tables,
                   "403 for this table or view (repeatable; * for all)");

    app.add_option("--seed", c.seed, "data seed")->capture_default_str();
    app.add_option("--rows", raw.rows, "rows per table, e.g. inv_mast=1000000,supplier=200");
    app.add_option("--data-end", raw.data_end,
                   "generated dates lie in the 3 years before this (ISO 8601 or now)")
        ->capture_default_str();
    app.add_option("--clock", raw.clock, "simulator clock start (ISO 8601) or now")
        ->capture_default_str();
    app.add_flag("--freeze-clock", c.clock_frozen, "the clock moves only through /__admin/clock");
    app.add_option("--tz", c.time_zone, "the server's IANA time zone")->capture_default_str();
    app.add_option("--datetime-style", raw.datetime_style, "naive or offset")
        ->check(CLI::IsMember({"naive", "offset"}))
        ->capture_default_str();

    app.add_option("--paging", raw.paging, "client ($top/$skip) or nextlink")
        ->check(CLI::IsMember({"client", "nextlink"}))
        ->capture_default_str();
    app.add_option("--page-size", c.page_size, "rows per page in nextlink mode")
        ->capture_default_str();
    app.add_option("--max-page-size", c.max_page_size, "client mode: cap $top at N (0: none)");
    app.add_option("--nextlink", raw.nextlink, "absolute or relative @odata.nextLink")
        ->check(CLI::IsMember({"absolute", "relative"}))
        ->capture_default_str();
    app.add_option("--max-response-rows", c.max_response_rows, "refuse larger answers with 500")
        ->capture_default_str();
    app.add_option("--generic-page-size", c.generic_page_size, "rows per page of /generic/v4")
        ->capture_default_str();

    auto& f = c.faults;
    app.add_option("--latency-ms", f.latency_ms, "added to every request")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--jitter-ms", f.jitter_ms, "plus 0..N ms at random")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--error-every", f.error_every, "500 on every Nth request");
    app.add_option("--error-probability", f.error_probability, "500 with probability p")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--rate-limit", raw.rate_limit, "e.g. 600/min: 429 with Retry-After beyond it")
        ->capture_default_str();
    app.add_option("--force-429", f.force_429, "the first N requests answer 429");
    app.add_option("--retry-after", f.retry_after_s, "Retry-After seconds of forced 429s");
    app.add_option("--truncate-page", f.truncate_page, "page N: half the body, then close");
    app.add_option("--truncate-probability", f.truncate_probability,
                   "truncate pages with probability p")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--stall-page", f.stall_page, "page N is held --stall-ms before it is sent");
    app.add_option("--stall-ms", f.stall_ms, "how long a stalled page is held")
        ->capture_default_str();
    app.add_option("--expire-token-page", f.expire_token_page, "page N revokes all tokens: 401");
    app.add_option("--fault-seed", c.fault_seed, "seed of random faults")->capture_default_str();
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv, const EnvLookup& env) {
    Config config;
    config.tokens.user = "p21sim";
    RawFlags raw;
    CLI::App app{"p21sim: an Epicor Prophet 21 OData middleware simulator for tests", "p21sim"};
    add_flags(app, raw, config);
    CommandLine result;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::ostringstream out, err;
        result.exit_code = app.exit(e, out, err);
        result.message = out.str() + err.str();
        return result;
    }
    if (auto status = finish(raw, app, env, config); !status) {
        result.exit_code = 2;
        result.message = "p21sim: " + status.error().message + "\n";
        return result;
    }
    result.config = std::move(config);
    return result;
}

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    };
}

}  // namespace cs::p21sim
