#pragma once

#include <memory>
#include <string>

#include "relay/agent_link/registry.hpp"
#include "relay/config/config.hpp"
#include "relay/db/pool.hpp"
#include "relay/metrics/relay_metrics.hpp"
#include "relay/server/blocking_pool.hpp"
#include "relay/server/upgrade.hpp"
#include "relay/sites/sites.hpp"

namespace cs::relay::agent_link {

// What every agent session shares; owned jointly by the endpoint and the
// sessions, so it outlives the last session.
struct AgentContext {
    RelayConfig config;
    db::Pool* shared_pool;   // authentication
    db::Pool* session_pool;  // one connection per session: the site lock and applies
    server::BlockingPool* blocking;
    metrics::RelayMetrics* metrics;
    SessionRegistry* registry;
    std::string instance;  // host:pid, recorded with the site while connected
};

// /v1/agent: authenticates the site key before the upgrade (401 with a JSON
// reason when missing, unknown or revoked; 503 when the database cannot say),
// then runs an agent session on the upgraded connection.
class AgentEndpoint : public server::WebSocketEndpoint {
public:
    explicit AgentEndpoint(std::shared_ptr<const AgentContext> context);

    std::optional<server::HttpResponse> authorize(
        const server::HttpRequest& request,
        std::shared_ptr<server::UpgradeContext>& context) override;
    void start(server::UpgradeHandoff handoff,
               std::shared_ptr<server::UpgradeContext> context) override;
    void shutdown() override;

private:
    std::shared_ptr<const AgentContext> context_;
};

// Runs one agent session on an upgraded connection (session.cpp).
void start_agent_session(server::UpgradeHandoff handoff,
                         std::shared_ptr<const AgentContext> context, sites::SiteIdentity site);

}  // namespace cs::relay::agent_link
