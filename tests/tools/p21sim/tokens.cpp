#include "tests/tools/p21sim/tokens.hpp"

#include <algorithm>
#include <random>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/text/hex.hpp"

namespace cs::p21sim {

namespace {

constexpr std::size_t kPruneAbove = 10'000;

std::string random_token() {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        std::random_device device;  // OpenSSL's generator failed: use the OS's directly
        for (unsigned char& b : bytes) {
            b = static_cast<unsigned char>(device());
        }
    }
    return text::to_hex(bytes, sizeof bytes);
}

bool same_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

}  // namespace

std::string_view to_string(TokenCheck check) {
    switch (check) {
        case TokenCheck::ok:
            return "ok";
        case TokenCheck::missing:
            return "missing";
        case TokenCheck::unknown:
            return "unknown";
        case TokenCheck::expired:
            return "expired";
        case TokenCheck::superseded:
            return "superseded";
        case TokenCheck::used_up:
            return "used_up";
        case TokenCheck::revoked:
            return "revoked";
    }
    return "unknown";
}

Expected<IssuedToken> TokenService::issue_for_user(std::string_view user, std::string_view password,
                                                   std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    // Usernames compare case-insensitively, as P21 (SQL Server) logins do.
    if (config_.password.empty() || lower(user) != lower(config_.user) ||
        !same_secret(password, config_.password)) {
        return make_error(ErrorCode::unauthorized, "Invalid username or password.");
    }
    return issue_locked(lower(user), config_.user, now_ms, true);
}

Expected<IssuedToken> TokenService::issue_for_consumer(std::string_view secret,
                                                       std::string_view user, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    if (config_.consumer_key.empty() || !same_secret(secret, config_.consumer_key)) {
        return make_error(ErrorCode::unauthorized, "Invalid client secret.");
    }
    return issue_locked("consumer:" + lower(user), std::string(user), now_ms, false);
}

Expected<IssuedToken> TokenService::refresh(std::string_view refresh_token, std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(std::string(refresh_token));
    if (it == tokens_.end() || !it->second.refresh || it->second.epoch != epoch_ ||
        sessions_[it->second.principal] != it->second.session) {
        return make_error(ErrorCode::unauthorized, "Invalid refresh token.");
    }
    std::string principal = it->second.principal;
    tokens_.erase(it);  // a refresh token works once
    return issue_locked(principal, principal, now_ms, true);
}

IssuedToken TokenService::issue_locked(const std::string& principal, const std::string& user,
                                       std::int64_t now_ms, bool with_refresh) {
    prune_locked(now_ms);
    std::uint64_t session = ++sessions_[principal];
    IssuedToken issued{
        .access_token = random_token(), .expires_in = config_.ttl_seconds, .user = user};
    tokens_[issued.access_token] = Token{.principal = principal,
                                         .session = session,
                                         .expires_ms = now_ms + config_.ttl_seconds * 1000,
                                         .epoch = epoch_};
    if (with_refresh) {
        issued.refresh_token = random_token();
        tokens_[issued.refresh_token] = Token{.principal = principal,
                                              .session = session,
                                              .expires_ms = INT64_MAX,
                                              .refresh = true,
                                              .epoch = epoch_};
    }
    ++issued_;
    return issued;
}

TokenCheck TokenService::check(std::string_view authorization, std::int64_t now_ms) {
    constexpr std::string_view kBearer = "bearer ";
    if (authorization.size() <= kBearer.size() ||
        lower(authorization.substr(0, kBearer.size())) != kBearer) {
        return TokenCheck::missing;
    }
    std::string value(authorization.substr(kBearer.size()));
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(value);
    if (it == tokens_.end() || it->second.refresh) {
        return TokenCheck::unknown;
    }
    Token& token = it->second;
    if (token.epoch != epoch_) {
        return TokenCheck::revoked;
    }
    if (config_.single_session && sessions_[token.principal] != token.session) {
        return TokenCheck::superseded;
    }
    if (now_ms >= token.expires_ms) {
        return TokenCheck::expired;
    }
    if (config_.max_requests != 0 && token.uses >= config_.max_requests) {
        return TokenCheck::used_up;
    }
    ++token.uses;
    return TokenCheck::ok;
}

void TokenService::prune_locked(std::int64_t now_ms) {
    if (tokens_.size() < kPruneAbove) {
        return;
    }
    std::erase_if(tokens_, [&](const auto& entry) {
        const Token& t = entry.second;
        return t.epoch != epoch_ || now_ms >= t.expires_ms ||
               (config_.single_session && sessions_[t.principal] != t.session);
    });
}

void TokenService::revoke_all() {
    std::lock_guard lock(mutex_);
    ++epoch_;
}

void TokenService::reset() {
    std::lock_guard lock(mutex_);
    tokens_.clear();
    sessions_.clear();
    issued_ = 0;
    ++epoch_;
}

void TokenService::set_ttl_seconds(std::int64_t ttl) {
    std::lock_guard lock(mutex_);
    config_.ttl_seconds = ttl;
}

void TokenService::set_max_requests(std::uint64_t n) {
    std::lock_guard lock(mutex_);
    config_.max_requests = n;
}

void TokenService::set_single_session(bool on) {
    std::lock_guard lock(mutex_);
    config_.single_session = on;
}

TokenConfig TokenService::config() const {
    std::lock_guard lock(mutex_);
    return config_;
}

std::uint64_t TokenService::issued() const {
    std::lock_guard lock(mutex_);
    return issued_;
}

}  // namespace cs::p21sim
