#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::db {

// The key that signs the tenant claims API requests carry in the setting
// contractsync.tenant_id; cs_current_tenant() (migration 0006) verifies them,
// so a request that sets the setting itself cannot name another tenant.
class TenantClaimKey {
public:
    TenantClaimKey() = default;
    explicit TenantClaimKey(std::string secret) : secret_(std::move(secret)) {}

    // Reads relay_secrets on an owner connection (the API roles cannot).
    static Expected<TenantClaimKey> load(Connection& owner);

    bool empty() const { return secret_.empty(); }

    // "<tenant>.<expiry, Unix seconds>.<hex HMAC-SHA256 of "<tenant>.<expiry>">".
    std::string sign(std::string_view tenant_id,
                     std::chrono::system_clock::time_point expiry) const;

    // A claim that stays valid for `ttl` from now: long enough for the relay's
    // clock to run ahead of the database's a little, since the database checks
    // the expiry against its transaction start time.
    std::string sign_for(std::string_view tenant_id,
                         std::chrono::seconds ttl = std::chrono::minutes(5)) const;

private:
    std::string secret_;
};

}  // namespace cs::relay::db
