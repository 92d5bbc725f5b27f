#include "agent/config/odata_config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "agent/config/config_paths.hpp"

namespace cs::agent {
namespace {

namespace fs = std::filesystem;

Expected<OdataAuth> parse_auth(const config::Reader& r, const std::string& fallback) {
    auto auth = r.string_or("auth", fallback);
    if (!auth) {
        return std::move(auth).error();
    }
    static const std::pair<const char*, OdataAuth> kModes[] = {
        {"token_v2", OdataAuth::token_v2}, {"consumer_key", OdataAuth::consumer_key},
        {"token_v1", OdataAuth::token_v1}, {"bearer", OdataAuth::bearer},
        {"basic", OdataAuth::basic},       {"none", OdataAuth::none}};
    for (const auto& [name, mode] : kModes) {
        if (*auth == name) {
            return mode;
        }
    }
    return r.error("auth", "expected token_v2, consumer_key, token_v1, bearer, basic or none");
}

Status parse_secrets(const config::Reader& r, OdataSourceConfig& s, const fs::path& base) {
    auto secret = [&](std::string_view key, std::optional<SecretRef>& out) -> Status {
        auto ref = parse_secret_ref(r, key);
        if (!ref) {
            return std::move(ref).error();
        }
        if (ref->kind == SecretRef::Kind::file) {
            ref->name = resolve_config_path(base, ref->name).string();
        }
        out = *ref;
        return ok();
    };
    auto username = r.string_or("username", "");
    if (!username) {
        return std::move(username).error();
    }
    s.username = *username;
    switch (s.auth) {
        case OdataAuth::token_v2:
        case OdataAuth::token_v1:
        case OdataAuth::basic:
            if (s.username.empty()) {
                return r.error("username", "is required for this auth mode");
            }
            return secret("password", s.password);
        case OdataAuth::consumer_key:
            return secret("consumer_key", s.consumer_key);
        case OdataAuth::bearer:
            return secret("token", s.token);
        case OdataAuth::none:
            break;
    }
    return ok();
}

Status parse_limits(const config::Reader& r, OdataSourceConfig& s) {
    auto page = r.integer_or("page_size", 1000, 1, 100'000);
    auto per_minute = r.integer_or("requests_per_minute", 300, 1, 100'000);
    auto per_hour = r.integer_or("requests_per_hour", 10'000, 1, 10'000'000);
    auto in_flight = r.integer_or("max_in_flight", 1, 1, 1);
    auto retries = r.integer_or("retries", 5, 0, 20);
    auto timeout = r.duration_or("timeout", s.timeout);
    auto connect = r.duration_or("connect_timeout", s.connect_timeout);
    auto base = r.duration_or("backoff", s.backoff_base);
    auto max = r.duration_or("backoff_max", s.backoff_max);
    auto poll = r.duration_or("poll", s.poll);
    for (const Status& st :
         {page ? ok() : Status(page.error()), per_minute ? ok() : Status(per_minute.error()),
          per_hour ? ok() : Status(per_hour.error()), in_flight ? ok() : Status(in_flight.error()),
          retries ? ok() : Status(retries.error()), timeout ? ok() : Status(timeout.error()),
          connect ? ok() : Status(connect.error()), base ? ok() : Status(base.error()),
          max ? ok() : Status(max.error()), poll ? ok() : Status(poll.error())}) {
        if (!st) {
            return st;
        }
    }
    s.page_size = static_cast<std::size_t>(*page);
    s.requests_per_minute = static_cast<int>(*per_minute);
    s.requests_per_hour = static_cast<int>(*per_hour);
    s.max_in_flight = static_cast<int>(*in_flight);
    s.retries = static_cast<int>(*retries);
    s.timeout = *timeout;
    s.connect_timeout = *connect;
    s.backoff_base = *base;
    s.backoff_max = *max;
    s.poll = *poll;
    return ok();
}

}  // namespace

Expected<SourceConfig> parse_odata_source(const std::string& name, const std::string& type,
                                          const config::Reader& r, const fs::path& base) {
    if (auto st = r.allow_only({"type",
                                "base_url",
                                "table_path",
                                "view_path",
                                "dataservice_path",
                                "entity_set_path",
                                "auth",
                                "username",
                                "password",
                                "consumer_key",
                                "token",
                                "token_v2_path",
                                "token_v1_path",
                                "verify_tls",
                                "ca_file",
                                "proxy",
                                "paging",
                                "page_size",
                                "time_zone",
                                "requests_per_minute",
                                "requests_per_hour",
                                "max_in_flight",
                                "retries",
                                "timeout",
                                "connect_timeout",
                                "backoff",
                                "backoff_max",
                                "poll"});
        !st) {
        return std::move(st).error();
    }
    OdataSourceConfig s;
    auto url = r.string("base_url");
    if (!url) {
        return std::move(url).error();
    }
    if (url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0) {
        return r.error("base_url", "must start with https:// (or http://)");
    }
    s.base_url = *url;
    while (!s.base_url.empty() && s.base_url.back() == '/') {
        s.base_url.pop_back();
    }
    auto auth = parse_auth(r, type == "p21" ? "token_v2" : "none");
    if (!auth) {
        return std::move(auth).error();
    }
    s.auth = *auth;
    if (auto st = parse_secrets(r, s, base); !st) {
        return std::move(st).error();
    }
    for (auto [key, field] :
         {std::pair{"table_path", &s.table_path}, std::pair{"view_path", &s.view_path},
          std::pair{"dataservice_path", &s.dataservice_path},
          std::pair{"entity_set_path", &s.entity_set_path},
          std::pair{"token_v2_path", &s.token_v2_path},
          std::pair{"token_v1_path", &s.token_v1_path}, std::pair{"proxy", &s.proxy},
          std::pair{"time_zone", &s.time_zone}}) {
        auto value = r.string_or(key, *field);
        if (!value) {
            return std::move(value).error();
        }
        *field = *value;
    }
    auto verify = r.boolean_or("verify_tls", true);
    auto ca = r.string_or("ca_file", "");
    auto paging = r.string_or("paging", type == "p21" ? "client" : "server");
    if (!verify || !ca || !paging) {
        return !verify ? verify.error() : !ca ? ca.error() : paging.error();
    }
    s.verify_tls = *verify;
    s.ca_file = ca->empty() ? fs::path() : resolve_config_path(base, *ca);
    if (*paging == "client") {
        s.paging = OdataPaging::client;
    } else if (*paging == "server") {
        s.paging = OdataPaging::server;
    } else {
        return r.error("paging",
                       "expected client ($top/$skip, following @odata.nextLink when present) or "
                       "server (@odata.nextLink only)");
    }
    if (auto st = parse_limits(r, s); !st) {
        return std::move(st).error();
    }
    if (s.requests_per_hour < s.requests_per_minute) {
        return r.error("requests_per_hour", "must be at least requests_per_minute");
    }
    return SourceConfig{name, type, s};
}

Expected<OdataEntityConfig> parse_odata_entity(const config::Reader& entity,
                                               const EntityConfig& parsed) {
    auto object = entity.object("odata");
    if (!object) {
        return entity.error("odata",
                            "is required for an entity of a p21/odata source: "
                            "{\"table\": \"inv_mast\"} (or view, dataservice, entity_set)");
    }
    const config::Reader& r = *object;
    if (auto st =
            r.allow_only({"table", "view", "dataservice", "entity_set", "incremental",
                          "modified_column", "look_back", "key_sweep", "filter", "page_size"});
        !st) {
        return std::move(st).error();
    }
    OdataEntityConfig o;
    int named = 0;
    for (auto [key, resource] :
         {std::pair{"table", OdataResource::table}, std::pair{"view", OdataResource::view},
          std::pair{"dataservice", OdataResource::dataservice},
          std::pair{"entity_set", OdataResource::entity_set}}) {
        if (r.has(key)) {
            auto value = r.string(key);
            if (!value) {
                return std::move(value).error();
            }
            o.resource = resource;
            o.name = *value;
            ++named;
        }
    }
    if (named != 1) {
        return entity.error("odata", "give exactly one of table, view, dataservice, entity_set");
    }
    auto incremental = r.boolean_or("incremental", true);
    auto modified = r.string_or("modified_column", o.modified_column);
    auto look_back = r.duration_or("look_back", o.look_back);
    auto sweep = r.duration_or("key_sweep", o.key_sweep);
    auto filter = r.string_or("filter", "");
    auto page = r.integer_or("page_size", 0, 0, 100'000);
    if (!incremental || !modified || !look_back || !sweep || !filter || !page) {
        return !incremental ? incremental.error()
               : !modified  ? modified.error()
               : !look_back ? look_back.error()
               : !sweep     ? sweep.error()
               : !filter    ? filter.error()
                            : page.error();
    }
    o.incremental = *incremental;
    o.modified_column = *modified;
    o.look_back = *look_back;
    o.key_sweep = *sweep;
    o.filter = *filter;
    o.page_size = static_cast<std::size_t>(*page);
    for (const auto& field : parsed.fields) {
        if (field.constant) {
            continue;  // a constant reads nothing from the source
        }
        if (std::find(o.select.begin(), o.select.end(), field.from) == o.select.end()) {
            o.select.push_back(field.from);
        }
    }
    for (std::size_t index : parsed.identity.key) {
        o.key_columns.push_back(parsed.fields[index].from);
    }
    if (o.incremental &&
        std::find(o.select.begin(), o.select.end(), o.modified_column) == o.select.end()) {
        return r.error("modified_column",
                       fmt::format("'{}' must be the `from` of one of the entity's fields, so "
                                   "the watermark can be read (or set incremental to false)",
                                   o.modified_column));
    }
    return o;
}

}  // namespace cs::agent
