#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/base/expected.hpp"

namespace cs::p21sim {

struct TokenConfig {
    std::string user;
    std::string password;      // empty: user credentials are refused
    std::string consumer_key;  // empty: consumer keys are refused
    std::int64_t ttl_seconds = 86'400;
    // A new token for a principal invalidates its earlier tokens, as each P21
    // token call opens a new middleware session.
    bool single_session = true;
    std::uint64_t max_requests = 0;  // a token stops working after this many uses; 0: never
};

struct IssuedToken {
    std::string access_token;
    std::string refresh_token;
    std::int64_t expires_in = 0;
    std::string user;  // empty for consumer-key tokens without a username
};

enum class TokenCheck { ok, missing, unknown, expired, superseded, used_up, revoked };
std::string_view to_string(TokenCheck check);

// Issues and checks bearer tokens on the simulator's clock (so tests can expire
// tokens by advancing the clock). Thread-safe.
class TokenService {
public:
    explicit TokenService(TokenConfig config) : config_(std::move(config)) {}

    Expected<IssuedToken> issue_for_user(std::string_view user, std::string_view password,
                                         std::int64_t now_ms);
    Expected<IssuedToken> issue_for_consumer(std::string_view secret, std::string_view user,
                                             std::int64_t now_ms);
    Expected<IssuedToken> refresh(std::string_view refresh_token, std::int64_t now_ms);

    // Checks an Authorization header value ("Bearer <token>") and counts one use.
    TokenCheck check(std::string_view authorization, std::int64_t now_ms);

    // Every token issued so far stops working ("token expired" mid-run).
    void revoke_all();
    void reset();

    void set_ttl_seconds(std::int64_t ttl);
    void set_max_requests(std::uint64_t n);
    void set_single_session(bool on);
    TokenConfig config() const;
    std::uint64_t issued() const;

private:
    struct Token {
        std::string principal;
        std::uint64_t session = 0;
        std::int64_t expires_ms = 0;
        std::uint64_t uses = 0;
        bool refresh = false;
        std::uint64_t epoch = 0;
    };

    IssuedToken issue_locked(const std::string& principal, const std::string& user,
                             std::int64_t now_ms, bool with_refresh);
    void prune_locked(std::int64_t now_ms);

    mutable std::mutex mutex_;
    TokenConfig config_;
    std::unordered_map<std::string, Token> tokens_;
    std::unordered_map<std::string, std::uint64_t> sessions_;  // principal -> current session
    std::uint64_t issued_ = 0;
    std::uint64_t epoch_ = 0;  // bumped by revoke_all
};

}  // namespace cs::p21sim
