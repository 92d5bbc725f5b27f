#include "relay/cli/cli_support.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

#include "common/log/log.hpp"

namespace cs::relay::cli {

int fail(std::string_view message) {
    // One line, whatever the message contained.
    std::string line(message);
    for (auto& c : line) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    fmt::print(stderr, "contractsync-relay: {}\n", log::redact(line));
    return 1;
}

int fail(const Error& error) {
    return fail(error.message);
}

Expected<RelayConfig> load_and_init(const std::filesystem::path& path, bool quiet) {
    auto config = load_config(path, environ);
    if (!config) {
        return std::move(config).error();
    }
    for (const auto* password : {&config->database.password, &config->database.api_tenant.password,
                                 &config->database.api_staff.password}) {
        if (!password->empty()) {
            log::register_secret(*password);
        }
    }
    if (config->smtp && !config->smtp->password.empty()) {
        log::register_secret(config->smtp->password);
    }
    if (config->metrics && !config->metrics->bearer_token.empty()) {
        log::register_secret(config->metrics->bearer_token);
    }
    auto options = config->logging;
    if (quiet && options.file.empty()) {
        options.level = "warn";  // admin commands print their own results
    }
    if (auto s = log::init(options); !s) {
        return std::move(s).error();
    }
    return config;
}

db::ConnectOptions connect_options(const RelayConfig& config) {
    return db::ConnectOptions{config.database.dsn, config.database.password, "contractsync-relay",
                              config.database.connect_timeout, config.database.statement_timeout};
}

db::ConnectOptions api_connect_options(const RelayConfig& config, db::ApiScope scope) {
    const auto& login =
        scope == db::ApiScope::tenant ? config.database.api_tenant : config.database.api_staff;
    auto o = connect_options(config);
    o.user = login.user.empty() ? std::string(db::api_login(scope).default_user) : login.user;
    o.password = login.password;
    return o;
}

}  // namespace cs::relay::cli
