#include "relay/alerts/webhook_secret.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "common/crypto/hmac.hpp"
#include "relay/sites/site_key.hpp"

namespace cs::relay::alerts {

std::string webhook_secret_label(std::string_view tenant_id) {
    return fmt::format("webhook:{}", tenant_id);
}

Expected<std::string> issue_webhook_secret(db::Connection& conn, std::string_view tenant_id,
                                           const crypto::SealingKey& key, bool keep_previous) {
    auto token = sites::generate_secret_token(kWebhookSecretPrefix);
    if (!token) {
        return std::move(token).error();
    }
    auto sealed = key.seal(webhook_secret_label(tenant_id), token->key);
    if (!sealed) {
        OPENSSL_cleanse(token->key.data(), token->key.size());
        return std::move(sealed).error();
    }
    auto r = conn.query(
        "storing the webhook signing secret",
        "UPDATE tenant_settings SET webhook_previous_secret = CASE WHEN $4 THEN webhook_secret "
        "END, webhook_previous_secret_key_id = CASE WHEN $4 THEN webhook_secret_key_id END, "
        "webhook_previous_until = CASE WHEN $4 AND webhook_secret IS NOT NULL THEN now() + "
        "make_interval(hours => $5::int) END, webhook_secret = $2, webhook_secret_key_id = $3, "
        "webhook_secret_created_at = now(), updated_at = now() WHERE tenant_id = $1::uuid",
        db::Params()
            .text(tenant_id)
            .bytea(*sealed)
            .text(key.key_id())
            .boolean(keep_previous)
            .integer(kPreviousSecretGrace.count()));
    if (!r) {
        OPENSSL_cleanse(token->key.data(), token->key.size());
        return std::move(r).error();
    }
    if (r->affected() != 1) {
        OPENSSL_cleanse(token->key.data(), token->key.size());
        return make_error(ErrorCode::not_found, "tenant {} has no settings", tenant_id);
    }
    return std::move(token->key);
}

Status clear_webhook_secret(db::Connection& conn, std::string_view tenant_id) {
    auto r = conn.query(
        "removing the webhook signing secret",
        "UPDATE tenant_settings SET webhook_secret = NULL, webhook_secret_key_id = NULL, "
        "webhook_secret_created_at = NULL, webhook_previous_secret = NULL, "
        "webhook_previous_secret_key_id = NULL, webhook_previous_until = NULL WHERE tenant_id = "
        "$1::uuid",
        db::Params().text(tenant_id));
    return r ? ok() : Status(std::move(r).error());
}

Expected<std::vector<std::string>> open_webhook_secrets(std::string_view tenant_id,
                                                        const std::vector<SealedSecret>& stored,
                                                        const crypto::SealingKey* key) {
    std::vector<std::string> out;
    for (const auto& s : stored) {
        if (key == nullptr) {
            return make_error(ErrorCode::unavailable,
                              "the webhook's signing secret is sealed with key {}, and this relay "
                              "has no key file (secrets.key_file)",
                              s.key_id);
        }
        if (s.key_id != key->key_id()) {
            return make_error(ErrorCode::unavailable,
                              "the webhook's signing secret is sealed with key {}, but this "
                              "relay's key file holds key {}: give every relay instance the same "
                              "secrets.key_file, or rotate the secret",
                              s.key_id, key->key_id());
        }
        auto plain = key->unseal(webhook_secret_label(tenant_id), s.sealed,
                                 fmt::format("the relay key {}", key->key_id()));
        if (!plain) {
            return std::move(plain).error().wrap("the webhook's signing secret");
        }
        out.push_back(std::move(*plain));
    }
    return out;
}

std::string webhook_signature(std::int64_t unix_seconds, std::string_view body,
                              const std::vector<std::string>& secrets) {
    std::string signed_text = fmt::format("{}.{}", unix_seconds, body);
    std::string out = fmt::format("t={}", unix_seconds);
    for (const auto& secret : secrets) {
        out += ",v1=";
        out += crypto::hmac_sha256_hex(secret, signed_text);
    }
    return out;
}

bool verify_webhook_signature(std::string_view header, std::string_view body,
                              std::string_view secret, std::int64_t now_unix_seconds,
                              std::chrono::seconds tolerance) {
    std::optional<std::int64_t> t;
    std::vector<std::string_view> v1;
    while (!header.empty()) {
        auto comma = header.find(',');
        auto part = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        if (part.starts_with("t=")) {
            try {
                t = std::stoll(std::string(part.substr(2)));
            } catch (const std::exception&) {
                return false;
            }
        } else if (part.starts_with("v1=")) {
            v1.push_back(part.substr(3));
        }
    }
    if (!t || *t < now_unix_seconds - tolerance.count() ||
        *t > now_unix_seconds + tolerance.count()) {
        return false;
    }
    auto expected = crypto::hmac_sha256_hex(secret, fmt::format("{}.{}", *t, body));
    bool found = false;
    for (auto candidate : v1) {
        found = crypto::equal_in_constant_time(candidate, expected) || found;
    }
    return found;
}

}  // namespace cs::relay::alerts
