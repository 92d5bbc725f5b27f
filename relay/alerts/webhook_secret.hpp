#pragma once

// The signing secret of a tenant's alert webhook (docs/relay.md, "Webhook
// signatures"). Every delivery carries
//   ContractSync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
// over "<t>.<body>" with the secret; during a rotation's grace period a second
// v1 signs with the previous secret. The relay keeps the secret sealed with its
// key file (common/crypto), bound to the tenant, and shows it only once: when
// it is created.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "common/crypto/sealing_key.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::alerts {

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";
inline constexpr std::string_view kSignatureHeader = "ContractSync-Signature";
// How long the previous secret keeps signing after a rotation.
inline constexpr std::chrono::hours kPreviousSecretGrace{24};

// The label a tenant's secret is sealed under: a sealed value copied to
// another tenant's row does not open.
std::string webhook_secret_label(std::string_view tenant_id);

// A new secret for the tenant, sealed with `key` and stored in its settings
// row (which must exist). With `keep_previous`, the secret it replaces signs
// too until kPreviousSecretGrace has passed. Returns the secret: the only time
// it is seen in plain text.
Expected<std::string> issue_webhook_secret(db::Connection& conn, std::string_view tenant_id,
                                           const crypto::SealingKey& key, bool keep_previous);

// Removes both secrets (the webhook was turned off).
Status clear_webhook_secret(db::Connection& conn, std::string_view tenant_id);

// A secret as stored: sealed bytes and the id of the key that sealed them.
struct SealedSecret {
    std::string sealed;
    std::string key_id;
};

// Opens the stored secrets; `key` may be null (the relay has none), which
// fails when there is anything to open. The error says which key is needed.
Expected<std::vector<std::string>> open_webhook_secrets(std::string_view tenant_id,
                                                        const std::vector<SealedSecret>& stored,
                                                        const crypto::SealingKey* key);

// The signature header's value for `body` sent at `unix_seconds`, one v1 per
// secret, newest first.
std::string webhook_signature(std::int64_t unix_seconds, std::string_view body,
                              const std::vector<std::string>& secrets);

// Checks a signature header as a receiver would: some v1 matches one of the
// secrets and t is within `tolerance` of `now_unix_seconds`.
bool verify_webhook_signature(std::string_view header, std::string_view body,
                              std::string_view secret, std::int64_t now_unix_seconds,
                              std::chrono::seconds tolerance = std::chrono::minutes(5));

}  // namespace cs::relay::alerts
