#include "relay/agent_link/agent_endpoint.hpp"

#include <spdlog/spdlog.h>

#include "relay/agent_link/protocol/frame.hpp"
#include "relay/sites/site_key.hpp"

namespace cs::relay::agent_link {
namespace {

struct Authorized : server::UpgradeContext {
    sites::SiteIdentity site;
};

server::HttpResponse unavailable(std::string_view why) {
    auto r = server::HttpResponse::error(503, why);
    r.headers.emplace_back("Retry-After", "30");
    return r;
}

}  // namespace

AgentEndpoint::AgentEndpoint(std::shared_ptr<const AgentContext> context)
    : context_(std::move(context)) {}

std::optional<server::HttpResponse> AgentEndpoint::authorize(
    const server::HttpRequest& request, std::shared_ptr<server::UpgradeContext>& context) {
    auto& ctx = *context_;
    auto key = sites::bearer_token(request.header("authorization"));
    if (!key) {
        ctx.metrics->connections_refused_unauthorized.inc();
        spdlog::warn("agent connection from {} refused: {}", request.remote_address,
                     key.error().message);
        return server::HttpResponse::error(401, key.error().message);
    }
    if (ctx.registry->size() >= ctx.config.limits.max_sessions) {
        ctx.metrics->connections_refused_unavailable.inc();
        return unavailable("this relay instance is at its agent session limit");
    }
    auto lease = ctx.shared_pool->acquire(ctx.config.database.acquire_timeout);
    if (!lease) {
        ctx.metrics->connections_refused_unavailable.inc();
        spdlog::error("agent connection from {}: {}", request.remote_address,
                      lease.error().message);
        return unavailable("the relay cannot reach its database; try again later");
    }
    auto site = sites::authenticate(**lease, *key);
    if (!site) {
        if (site.error().code == ErrorCode::unauthorized) {
            ctx.metrics->connections_refused_unauthorized.inc();
            spdlog::warn("agent connection from {} with key {} refused: {}", request.remote_address,
                         sites::display_prefix(*key), site.error().message);
            return server::HttpResponse::error(401, site.error().message);
        }
        ctx.metrics->connections_refused_unavailable.inc();
        spdlog::error("agent connection from {}: {}", request.remote_address, site.error().message);
        return unavailable("the relay cannot reach its database; try again later");
    }
    auto authorized = std::make_shared<Authorized>();
    authorized->site = std::move(*site);
    context = std::move(authorized);
    return std::nullopt;
}

void AgentEndpoint::start(server::UpgradeHandoff handoff,
                          std::shared_ptr<server::UpgradeContext> context) {
    auto* authorized = dynamic_cast<Authorized*>(context.get());
    start_agent_session(std::move(handoff), context_, authorized->site);
}

void AgentEndpoint::shutdown() {
    for (const auto& session : context_->registry->all()) {
        session->request_close(close_code::going_away, "relay shutting down");
    }
}

}  // namespace cs::relay::agent_link
