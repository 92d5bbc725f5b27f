#include "relay/config/database_config.hpp"

#include <libpq-fe.h>

#include "relay/config/secret_setting.hpp"

namespace cs::relay {

Status check_dsn_has_no_password(std::string_view dsn) {
    char* message = nullptr;
    PQconninfoOption* options = PQconninfoParse(std::string(dsn).c_str(), &message);
    if (options == nullptr) {
        std::string why = message != nullptr ? message : "unparseable";
        PQfreemem(message);
        while (!why.empty() && why.back() == '\n') {
            why.pop_back();
        }
        return make_error(ErrorCode::invalid_argument, "not a valid libpq connection string: {}",
                          why);
    }
    bool has_password = false;
    for (auto* o = options; o->keyword != nullptr; ++o) {
        if (std::string_view(o->keyword) == "password" && o->val != nullptr && *o->val != '\0') {
            has_password = true;
        }
    }
    PQconninfoFree(options);
    if (has_password) {
        return make_error(ErrorCode::invalid_argument,
                          "must not contain a password; use database.password_env, "
                          "database.password_file or PGPASSWORD/.pgpass");
    }
    return ok();
}

namespace {

Expected<DatabaseLogin> read_login(const config::Reader& section, const std::string& prefix,
                                   const char* const* env, const std::filesystem::path& base_dir) {
    DatabaseLogin login;
    auto user = section.string_or(prefix + "user", "");
    if (!user) {
        return std::move(user).error();
    }
    login.user = std::move(*user);
    auto password = read_secret_setting(
        section, prefix + "password",
        "password of the " + prefix.substr(0, prefix.size() - 1) + " login", env, base_dir);
    if (!password) {
        return std::move(password).error();
    }
    login.password = std::move(*password);
    return login;
}

}  // namespace

Expected<DatabaseConfig> read_database_config(const config::Reader& section, const char* const* env,
                                              const std::filesystem::path& base_dir) {
    if (auto s = section.allow_only(
            {"dsn", "password_env", "password_file", "api_tenant_user", "api_tenant_password_env",
             "api_tenant_password_file", "api_staff_user", "api_staff_password_env",
             "api_staff_password_file", "session_connections", "shared_connections",
             "background_connections", "connect_timeout", "statement_timeout", "acquire_timeout"});
        !s) {
        return std::move(s).error();
    }
    DatabaseConfig db;
    auto dsn = section.string("dsn");
    if (!dsn) {
        return std::move(dsn).error();
    }
    if (auto s = check_dsn_has_no_password(*dsn); !s) {
        return section.error("dsn", s.error().message);
    }
    db.dsn = *dsn;

    auto password = read_secret_setting(section, "password", "database password", env, base_dir);
    if (!password) {
        return std::move(password).error();
    }
    db.password = std::move(*password);
    auto tenant = read_login(section, "api_tenant_", env, base_dir);
    if (!tenant) {
        return std::move(tenant).error();
    }
    db.api_tenant = std::move(*tenant);
    auto staff = read_login(section, "api_staff_", env, base_dir);
    if (!staff) {
        return std::move(staff).error();
    }
    db.api_staff = std::move(*staff);

    auto sessions = section.integer_or("session_connections", 64, 1, 10'000);
    auto shared = section.integer_or("shared_connections", 4, 1, 1'000);
    auto background = section.integer_or(
        "background_connections", static_cast<std::int64_t>(db.background_connections), 1, 1'000);
    auto connect = section.duration_or("connect_timeout", db.connect_timeout);
    auto statement = section.duration_or("statement_timeout", db.statement_timeout);
    auto acquire = section.duration_or("acquire_timeout", db.acquire_timeout);
    for (const Error* e :
         {sessions ? nullptr : &sessions.error(), shared ? nullptr : &shared.error(),
          background ? nullptr : &background.error(), connect ? nullptr : &connect.error(),
          statement ? nullptr : &statement.error(), acquire ? nullptr : &acquire.error()}) {
        if (e != nullptr) {
            return *e;
        }
    }
    db.session_connections = static_cast<std::size_t>(*sessions);
    db.shared_connections = static_cast<std::size_t>(*shared);
    db.background_connections = static_cast<std::size_t>(*background);
    db.connect_timeout = *connect;
    db.statement_timeout = *statement;
    db.acquire_timeout = *acquire;
    if (db.connect_timeout < std::chrono::seconds(1)) {
        return section.error("connect_timeout", "must be at least 1s");
    }
    return db;
}

}  // namespace cs::relay
