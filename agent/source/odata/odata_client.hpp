#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "agent/config/agent_config.hpp"
#include "agent/source/odata/http_client.hpp"
#include "agent/source/odata/request_pacer.hpp"
#include "common/base/expected.hpp"

namespace cs::agent::odata {

// What a source's client did, for logs, tests and test-connection.
struct ClientStats {
    std::uint64_t requests = 0;  // every HTTP request sent, token calls and retries included
    std::uint64_t tokens = 0;    // token calls that returned a token
    std::uint64_t retries = 0;
    std::uint64_t refreshes = 0;  // new tokens after a 401
};

// The connection to one P21/OData source: one HTTP connection, one token
// reused until it expires or is refused, the source's rate limits, and retries
// with backoff. Shared by every entity of the source within a sync, so a sync
// opens one P21 middleware session, not one per table.
class OdataClient {
public:
    // Resolves the source's secrets (never logged). `stop` ends waits early.
    static Expected<std::unique_ptr<OdataClient>> open(const SourceConfig& source,
                                                       const std::atomic<bool>* stop);

    // GETs `url` (a full URL) into `body`. 2xx is success; 401 gets one new token
    // and one more try; timeouts, connection failures, 429 (after Retry-After)
    // and 5xx are retried with backoff; any other answer fails with the
    // server's message. A truncated answer fails at once: a page cut short is
    // never taken as the whole page.
    Status get(const std::string& url, std::string& body);

    // Gets a token now if the auth mode uses one and none is held (test-connection).
    Status ensure_token();

    // The URL of an entity's resource (table, view, data service view, entity set).
    std::string resource_url(OdataResource resource, const std::string& name) const;

    const std::string& name() const { return name_; }
    const OdataSourceConfig& config() const { return config_; }
    const ClientStats& stats() const { return stats_; }

private:
    OdataClient(std::string name, OdataSourceConfig config, const std::atomic<bool>* stop);
    Status fetch_token();
    Expected<std::string> authorization();
    // Waits for the rate limiter, then sends; counts the request.
    Expected<HttpResponse> paced_send(const HttpRequest& request, std::string& body);
    Status sleep_for(std::chrono::milliseconds wait);
    bool uses_token() const;

    std::string name_;
    OdataSourceConfig config_;
    const std::atomic<bool>* stop_;
    HttpClient http_;
    RateLimiter limiter_;
    Backoff backoff_;
    ClientStats stats_;
    std::string username_;
    std::string password_;
    std::string consumer_key_;
    std::string static_token_;
    std::string token_;
    std::optional<SteadyClock::time_point> token_expires_;
};

// The message of an OData error body ({"error":{"message":...}}), else the
// body's start; never longer than a line.
std::string server_message(std::string_view body);

}  // namespace cs::agent::odata
