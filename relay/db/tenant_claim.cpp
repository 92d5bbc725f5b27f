#include "relay/db/tenant_claim.hpp"

#include <fmt/format.h>

#include "common/crypto/hmac.hpp"

namespace cs::relay::db {

Expected<TenantClaimKey> TenantClaimKey::load(Connection& owner) {
    auto r = owner.query("reading the tenant claim key",
                         "SELECT secret FROM relay_secrets WHERE name = 'tenant_claim'");
    if (!r) {
        return std::move(r).error();
    }
    if (r->rows() != 1 || r->bytea(0, 0).size() < 32) {
        return make_error(ErrorCode::unavailable,
                          "relay_secrets has no tenant_claim key (is migration 0007 applied?)");
    }
    return TenantClaimKey(r->bytea(0, 0));
}

std::string TenantClaimKey::sign(std::string_view tenant_id,
                                 std::chrono::system_clock::time_point expiry) const {
    auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(expiry.time_since_epoch()).count();
    auto message = fmt::format("{}.{}", tenant_id, seconds);
    return fmt::format("{}.{}", message, crypto::hmac_sha256_hex(secret_, message));
}

std::string TenantClaimKey::sign_for(std::string_view tenant_id, std::chrono::seconds ttl) const {
    return sign(tenant_id, std::chrono::system_clock::now() + ttl);
}

}  // namespace cs::relay::db
