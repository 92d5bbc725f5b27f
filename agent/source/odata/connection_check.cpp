#include "agent/source/odata/connection_check.hpp"

#include <fmt/format.h>

#include "agent/source/odata/odata_client.hpp"
#include "agent/source/odata/odata_url.hpp"
#include "agent/source/odata/page_parser.hpp"

namespace cs::agent::odata {
namespace {

std::string explain(const Error& error) {
    if (error.message.find("not authorized") != std::string::npos) {
        return error.message +
               " — the token is valid but the P21 user lacks \"Allow OData API Service\" or "
               "Dataservice permission for this table";
    }
    return error.message;
}

}  // namespace

std::vector<CheckResult> check_source(const AgentConfig& config, const SourceConfig& source,
                                      const std::atomic<bool>* stop) {
    std::vector<CheckResult> out;
    const auto& settings = std::get<OdataSourceConfig>(source.settings);
    auto step = [&](std::string name) { return source.name + " " + std::move(name); };

    HttpClient probe_client(HttpOptions{settings.verify_tls, settings.ca_file, settings.proxy,
                                        settings.connect_timeout, settings.connect_timeout});
    ProbeResult probe = probe_client.probe(settings.base_url);
    std::string host = url_origin(settings.base_url);
    host = host.substr(host.find("://") + 3);
    out.push_back(
        {step("dns"), probe.resolved,
         probe.resolved
             ? fmt::format("{} -> {}", host, probe.address.empty() ? "(via proxy)" : probe.address)
             : probe.error});
    bool https = settings.base_url.rfind("https://", 0) == 0;
    if (probe.resolved) {
        if (https) {
            out.push_back({step("tls"), probe.tls,
                           probe.tls ? std::string(settings.verify_tls
                                                       ? "handshake done, certificate verified"
                                                       : "handshake done (verify_tls is off)")
                                     : probe.error});
        } else {
            out.push_back({step("connect"), probe.tls,
                           probe.tls ? "connected (http://: no TLS)" : probe.error});
        }
    }
    if (!probe.tls) {
        return out;  // nothing further can work
    }
    auto client = OdataClient::open(source, stop);
    if (!client) {
        out.push_back({step("token"), false, client.error().message});
        return out;
    }
    if (settings.auth == OdataAuth::token_v2 || settings.auth == OdataAuth::consumer_key ||
        settings.auth == OdataAuth::token_v1) {
        auto st = (*client)->ensure_token();
        out.push_back({step("token"), bool(st), st ? "got a token" : explain(st.error())});
        if (!st) {
            return out;
        }
    }
    std::string body;
    for (const auto& entity : config.entities) {
        if (entity.source != source.name || !entity.odata) {
            continue;
        }
        const OdataEntityConfig& o = *entity.odata;
        std::string url =
            with_query((*client)->resource_url(o.resource, o.name),
                       {{"$select", fmt::format("{}", fmt::join(o.select, ","))}, {"$top", "1"}});
        auto st = (*client)->get(url, body);
        if (!st) {
            out.push_back({step(entity.name), false, explain(st.error())});
            continue;
        }
        RawBatch batch;
        PageParser parser(o.select);
        auto page = parser.parse(body, batch, 1, 0);
        if (!page) {
            out.push_back({step(entity.name), false, page.error().message});
            continue;
        }
        out.push_back(
            {step(entity.name), true,
             fmt::format("GET {} answered {} row{}", (*client)->resource_url(o.resource, o.name),
                         page->rows, page->rows == 1 ? "" : "s")});
    }
    return out;
}

}  // namespace cs::agent::odata
