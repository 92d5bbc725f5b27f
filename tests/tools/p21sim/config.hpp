#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "tests/tools/p21sim/datetime.hpp"
#include "tests/tools/p21sim/faults.hpp"
#include "tests/tools/p21sim/generator.hpp"
#include "tests/tools/p21sim/tokens.hpp"

namespace cs::p21sim {

enum class Paging {
    client,    // $top/$skip; max_page_size (if set) silently caps $top
    nextlink,  // at most page_size rows plus @odata.nextLink with $skiptoken
};
enum class LinkForm { absolute, relative };

struct ServerConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    int threads = 2;
    std::int64_t read_timeout_s = 60;  // waiting for (and reading) a request, keep-alive included
    std::int64_t write_timeout_s = 60;
    std::string tls_cert;  // PEM chain; with tls_key enables HTTPS
    std::string tls_key;
    std::string tls_self_signed_dir;  // generate ca.crt, server.crt, server.key here
    bool log_requests = false;
};

struct Config {
    ServerConfig server;
    TokenConfig tokens;
    std::vector<std::string> deny_tables;  // 403 on these tables/views; "*" denies all

    std::uint64_t seed = 21;
    RowCounts rows;
    std::int64_t data_end_ms = 0;  // generated dates fall in the three years before this
    std::optional<std::int64_t> clock_start_ms;
    bool clock_frozen = false;
    std::string time_zone = "America/Chicago";
    DateTimeStyle datetime_style = DateTimeStyle::naive;

    Paging paging = Paging::client;
    std::uint64_t page_size = 1000;   // nextlink mode
    std::uint64_t max_page_size = 0;  // client mode cap on $top; 0: none
    LinkForm nextlink = LinkForm::absolute;
    std::uint64_t max_response_rows = 200'000;  // larger answers are refused with 500
    std::uint64_t generic_page_size = 500;

    FaultConfig faults;
    std::uint64_t fault_seed = 1;
};

// The outcome of reading the command line: a configuration to run, or text to
// print and an exit code (--help, errors).
struct CommandLine {
    std::optional<Config> config;
    int exit_code = 0;
    std::string message;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Reads flags; secrets come only from the environment variables the flags name.
CommandLine parse_command_line(int argc, const char* const* argv, const EnvLookup& env);
EnvLookup process_environment();

}  // namespace cs::p21sim
