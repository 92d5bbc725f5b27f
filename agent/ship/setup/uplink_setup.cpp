#include "agent/ship/setup/uplink_setup.hpp"

#include "agent/secrets/secret_resolver.hpp"
#include "agent/ship/site_key.hpp"

namespace cs::agent::ship {

Expected<UplinkOptions> uplink_options(const AgentConfig& config) {
    if (!config.relay) {
        return make_error(ErrorCode::invalid_argument,
                          "{}: no relay section; add relay.url and relay.site_key to ship change "
                          "sets",
                          config.path.string());
    }
    const RelayConfig& relay = *config.relay;
    auto key = resolve_secret(relay.site_key, "relay.site_key");
    if (!key) {
        return std::move(key).error();
    }
    if (auto st = check_site_key(*key, relay.site_key.describe()); !st) {
        return std::move(st).error();
    }
    UplinkOptions options;
    options.url = relay.url;
    options.site_key = std::move(*key);
    options.ca_file = relay.ca_file;
    options.proxy = relay.proxy;
    options.state_db = config.state_db();
    options.window = relay.window;
    return options;
}

}  // namespace cs::agent::ship
