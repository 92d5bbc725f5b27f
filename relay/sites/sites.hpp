#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::sites {

struct Tenant {
    std::string tenant_id;
    std::string name;
};

struct Site {
    std::string tenant_id;
    std::string site_id;
    std::string name;
};

// A site key as issued: `key` is shown to the operator once and never stored.
struct IssuedKey {
    Site site;
    std::string key_id;
    std::string key;
    std::string display;
};

// Who an authenticated agent connection speaks for.
struct SiteIdentity {
    std::string tenant_id;
    std::string site_id;
    std::string site_name;
    std::string key_id;
};

// Every change to keys is announced on this channel (payload: site_id) so each
// relay instance closes sessions that used a key that is no longer valid.
inline constexpr std::string_view kKeyChangedChannel = "contractsync_site_key_changed";

Expected<Tenant> create_tenant(db::Connection& conn, std::string_view name);
// `tenant` is a tenant id or name.
Expected<IssuedKey> create_site(db::Connection& conn, std::string_view tenant,
                                std::string_view name);
// Revokes every current key of the site and issues a new one. `site` is a site id.
Expected<IssuedKey> rotate_site_key(db::Connection& conn, std::string_view site);
// Revokes the site and all its keys; its agent can no longer connect.
Expected<Site> revoke_site(db::Connection& conn, std::string_view site);

// Looks up an active key of an active site. Unknown, revoked and malformed keys
// all fail with ErrorCode::unauthorized and a message safe to send to the client.
Expected<SiteIdentity> authenticate(db::Connection& conn, std::string_view key);

// The ids of the site's keys that are still valid (empty when the site is revoked).
Expected<std::vector<std::string>> active_key_ids(db::Connection& conn, std::string_view tenant_id,
                                                  std::string_view site_id);

}  // namespace cs::relay::sites
