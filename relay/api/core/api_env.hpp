#pragma once

#include <string>

#include "relay/alerts/webhook_target.hpp"
#include "relay/api/auth/auth.hpp"
#include "relay/db/pool.hpp"
#include "relay/db/tenant_claim.hpp"
#include "relay/server/admission.hpp"
#include "relay/storage/blob_store.hpp"

namespace cs::crypto {
class SealingKey;
}

namespace cs::relay::api {

// What handlers share: settings and the pools. Lives as long as the server.
struct ApiEnv {
    auth::Settings auth;
    bool secure_cookies = true;
    int liveness_seconds = 45;  // three agent heartbeat intervals
    // Requests under row-level security, each on connections of its own login
    // role (docs/security.md): tenant-scoped ones, and staff ones across
    // tenants (null: scoped_pool serves those too).
    db::Pool* scoped_pool = nullptr;
    db::Pool* staff_pool = nullptr;
    db::Pool* owner_pool = nullptr;  // authentication (before the tenant is known)
    db::TenantClaimKey claim_key;    // signs the tenant of tenant-scoped requests
    std::chrono::milliseconds acquire_timeout{5'000};
    // Per request transaction (api.* in docs/relay.md).
    std::chrono::milliseconds statement_timeout{10'000};
    std::chrono::milliseconds lock_timeout{2'000};
    std::chrono::milliseconds heavy_statement_timeout{120'000};
    server::KeyedLimiter* heavy = nullptr;     // caps heavy routes; null: no cap
    std::size_t max_upload_bytes = 64u << 20;  // request bodies of upload routes
    storage::BlobStore* blobs = nullptr;       // uploaded vendor files; null: uploads refused
    int max_token_lifetime_days = 365;         // where the tenant sets no shorter limit
    // Seals webhook signing secrets (secrets.key_file); null: webhooks refused.
    const crypto::SealingKey* sealing_key = nullptr;
    // Where webhook test deliveries may go (public https only, but in tests).
    alerts::WebhookPolicy webhook_policy;
};

}  // namespace cs::relay::api
