#include "agent/source/odata/odata_client.hpp"

#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "agent/secrets/secret_resolver.hpp"
#include "common/log/log.hpp"
#include "common/text/base64.hpp"

namespace cs::agent::odata {
namespace {

using std::chrono::milliseconds;

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

bool retryable(const HttpResponse& r) {
    if (r.failure == TransportFailure::timeout || r.failure == TransportFailure::connect) {
        return true;
    }
    return r.failure == TransportFailure::none && (r.status == 429 || r.status >= 500);
}

std::string describe(const HttpResponse& r, std::string_view body) {
    if (r.failure != TransportFailure::none) {
        return r.error;
    }
    return fmt::format("HTTP {}: {}", r.status, server_message(body));
}

// Strips the query: URLs in messages name the resource, and P21 filters may be long.
std::string_view resource_of(std::string_view url) {
    return url.substr(0, url.find('?'));
}

}  // namespace

std::string server_message(std::string_view body) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_discarded() && json.is_object()) {
        auto error = json.find("error");
        if (error != json.end() && error->is_object()) {
            auto message = error->find("message");
            if (message != error->end() && message->is_string()) {
                return message->get<std::string>();
            }
        }
        for (const char* key : {"message", "Message", "error_description"}) {
            auto it = json.find(key);
            if (it != json.end() && it->is_string()) {
                return it->get<std::string>();
            }
        }
    }
    std::string text(body.substr(0, 200));
    for (char& c : text) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return text.empty() ? "(no message)" : text;
}

OdataClient::OdataClient(std::string name, OdataSourceConfig config, const std::atomic<bool>* stop)
    : name_(std::move(name)),
      config_(std::move(config)),
      stop_(stop),
      http_(HttpOptions{config_.verify_tls, config_.ca_file, config_.proxy, config_.timeout,
                        config_.connect_timeout}),
      limiter_(config_.requests_per_minute, config_.requests_per_hour),
      backoff_(config_.backoff_base, config_.backoff_max,
               static_cast<std::uint64_t>(SteadyClock::now().time_since_epoch().count())) {}

Expected<std::unique_ptr<OdataClient>> OdataClient::open(const SourceConfig& source,
                                                         const std::atomic<bool>* stop) {
    const auto* settings = std::get_if<OdataSourceConfig>(&source.settings);
    if (settings == nullptr) {
        return make_error(ErrorCode::invalid_argument, "source {} is not a p21/odata source",
                          source.name);
    }
    std::unique_ptr<OdataClient> client(new OdataClient(source.name, *settings, stop));
    client->username_ = settings->username;
    auto resolve = [&](const std::optional<SecretRef>& ref, std::string_view key,
                       std::string& out) -> Status {
        if (!ref) {
            return ok();
        }
        auto value = resolve_secret(*ref, fmt::format("sources.{}.{}", source.name, key));
        if (!value) {
            return std::move(value).error();
        }
        out = std::move(*value);
        return ok();
    };
    if (auto st = resolve(settings->password, "password", client->password_); !st) {
        return std::move(st).error();
    }
    if (auto st = resolve(settings->consumer_key, "consumer_key", client->consumer_key_); !st) {
        return std::move(st).error();
    }
    if (auto st = resolve(settings->token, "token", client->static_token_); !st) {
        return std::move(st).error();
    }
    return client;
}

std::string OdataClient::resource_url(OdataResource resource, const std::string& name) const {
    const std::string& pattern = resource == OdataResource::table         ? config_.table_path
                                 : resource == OdataResource::view        ? config_.view_path
                                 : resource == OdataResource::dataservice ? config_.dataservice_path
                                                                          : config_.entity_set_path;
    std::string path = pattern;
    for (std::string_view placeholder : {"{table}", "{view}", "{name}"}) {
        path = replace_all(path, placeholder, name);
    }
    if (!path.empty() && path[0] != '/') {
        path.insert(path.begin(), '/');
    }
    return config_.base_url + path;
}

bool OdataClient::uses_token() const {
    return config_.auth == OdataAuth::token_v2 || config_.auth == OdataAuth::consumer_key ||
           config_.auth == OdataAuth::token_v1;
}

Status OdataClient::sleep_for(milliseconds wait) {
    auto until = SteadyClock::now() + wait;
    while (SteadyClock::now() < until) {
        if (stop_ != nullptr && stop_->load()) {
            return make_error(ErrorCode::cancelled, "{}: stopped while waiting", name_);
        }
        auto left = std::chrono::duration_cast<milliseconds>(until - SteadyClock::now());
        std::this_thread::sleep_for(std::min(left, milliseconds(50)));
    }
    return ok();
}

Expected<HttpResponse> OdataClient::paced_send(const HttpRequest& request, std::string& body) {
    if (auto wait = limiter_.delay(SteadyClock::now()); wait.count() > 0) {
        spdlog::debug("{}: rate limit: waiting {} ms", name_, wait.count());
        if (auto st = sleep_for(wait); !st) {
            return std::move(st).error();
        }
    }
    limiter_.record(SteadyClock::now());
    ++stats_.requests;
    return http_.send(request, body);
}

Status OdataClient::fetch_token() {
    token_.clear();
    token_expires_.reset();
    HttpRequest request;
    request.method = "POST";
    request.headers = {"Accept: application/json"};
    if (config_.auth == OdataAuth::token_v1) {
        request.url = config_.base_url + config_.token_v1_path;
        request.headers.push_back("username: " + username_);
        request.headers.push_back("password: " + password_);
        request.headers.push_back("Content-Length: 0");
    } else {
        request.url = config_.base_url + config_.token_v2_path;
        request.headers.push_back("Content-Type: application/json");
        nlohmann::json json;
        if (config_.auth == OdataAuth::consumer_key) {
            json["ClientSecret"] = consumer_key_;
            json["GrantType"] = "client_credentials";
            if (!username_.empty()) {
                json["username"] = username_;
            }
        } else {
            json["username"] = username_;
            json["password"] = password_;
        }
        request.body = json.dump();
    }
    std::string body;
    for (int attempt = 0;; ++attempt) {
        auto response = paced_send(request, body);
        if (!response) {
            return std::move(response).error();
        }
        if (response->failure == TransportFailure::none && response->status / 100 == 2) {
            break;
        }
        if (!retryable(*response) || attempt >= config_.retries) {
            return make_error(response->status == 401 || response->status == 403
                                  ? ErrorCode::unauthorized
                                  : ErrorCode::unavailable,
                              "{}: token request POST {} failed: {}", name_, request.url,
                              describe(*response, body));
        }
        ++stats_.retries;
        auto wait = backoff_.next(attempt);
        if (response->retry_after_s) {
            wait = std::max(wait, milliseconds(*response->retry_after_s * 1000));
        }
        if (auto st = sleep_for(wait); !st) {
            return st;
        }
    }
    auto json = nlohmann::json::parse(body, nullptr, false);
    auto token = json.is_object() ? json.find("AccessToken") : json.end();
    if (json.is_discarded() || !json.is_object() || token == json.end() || !token->is_string() ||
        token->get<std::string>().empty()) {
        return make_error(ErrorCode::parse_error, "{}: token answer from {} has no AccessToken",
                          name_, request.url);
    }
    token_ = token->get<std::string>();
    log::register_secret(token_);
    for (const char* key : {"ExpiresInSeconds", "ExpiresIn", "expires_in"}) {
        auto it = json.find(key);
        if (it != json.end() && it->is_number()) {
            auto seconds = it->get<std::int64_t>();
            // Renew a minute early (or at half-life for short tokens) so a page is
            // never sent with a token about to lapse.
            auto margin = std::min<std::int64_t>(60, seconds / 2);
            token_expires_ = SteadyClock::now() + std::chrono::seconds(seconds - margin);
            break;
        }
    }
    ++stats_.tokens;
    spdlog::info("{}: got a P21 token", name_);
    return ok();
}

Status OdataClient::ensure_token() {
    if (!uses_token()) {
        return ok();
    }
    bool expired = token_expires_ && SteadyClock::now() >= *token_expires_;
    if (token_.empty() || expired) {
        return fetch_token();
    }
    return ok();
}

Expected<std::string> OdataClient::authorization() {
    switch (config_.auth) {
        case OdataAuth::none:
            return std::string();
        case OdataAuth::bearer:
            return "Authorization: Bearer " + static_token_;
        case OdataAuth::basic: {
            std::string header =
                "Authorization: Basic " + text::base64_encode(username_ + ":" + password_);
            return header;
        }
        default:
            break;
    }
    if (auto st = ensure_token(); !st) {
        return std::move(st).error();
    }
    return "Authorization: Bearer " + token_;
}

Status OdataClient::get(const std::string& url, std::string& body) {
    bool refreshed = false;
    for (int attempt = 0;;) {
        auto auth = authorization();
        if (!auth) {
            return std::move(auth).error();
        }
        HttpRequest request;
        request.url = url;
        request.headers = {"Accept: application/json"};
        if (!auth->empty()) {
            request.headers.push_back(*auth);
        }
        auto response = paced_send(request, body);
        if (!response) {
            return std::move(response).error();
        }
        if (response->failure == TransportFailure::none && response->status / 100 == 2) {
            return ok();
        }
        if (response->failure == TransportFailure::truncated) {
            return make_error(ErrorCode::io_error,
                              "{}: GET {}: the answer was cut short ({}; {} bytes arrived); a "
                              "partial page is never used",
                              name_, resource_of(url), response->error, body.size());
        }
        if (response->failure == TransportFailure::none && response->status == 401 &&
            uses_token() && !refreshed) {
            // Expired, revoked or superseded by another session: one new token.
            refreshed = true;
            ++stats_.refreshes;
            spdlog::info("{}: token refused ({}); getting a new one", name_, server_message(body));
            token_.clear();
            continue;
        }
        if (!retryable(*response) || attempt >= config_.retries) {
            std::string hint;
            if (response->status == 401 || response->status == 403) {
                hint =
                    " (the P21 user needs \"Allow OData API Service\" and Dataservice "
                    "permission for this table)";
            }
            return make_error(
                response->status == 401 || response->status == 403
                    ? ErrorCode::unauthorized
                    : (retryable(*response) ? ErrorCode::unavailable : ErrorCode::invalid_argument),
                "{}: GET {} failed{}: {}{}", name_, resource_of(url),
                attempt > 0 ? fmt::format(" after {} tries", attempt + 1) : "",
                describe(*response, body), hint);
        }
        ++stats_.retries;
        auto wait = backoff_.next(attempt);
        if (response->retry_after_s) {
            // The server knows when a slot frees; never come back before that.
            wait = std::max(wait, milliseconds(*response->retry_after_s * 1000));
        }
        spdlog::warn("{}: GET {}: {}; retry {} of {} in {} ms", name_, resource_of(url),
                     describe(*response, body), attempt + 1, config_.retries, wait.count());
        ++attempt;
        if (auto st = sleep_for(wait); !st) {
            return st;
        }
    }
}

}  // namespace cs::agent::odata
