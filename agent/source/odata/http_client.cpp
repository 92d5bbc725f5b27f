#include "agent/source/odata/http_client.hpp"

#include <cstdlib>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "agent/tls/trust.hpp"

namespace cs::agent::odata {
namespace {

struct Sink {
    std::string* body = nullptr;
    std::size_t limit = 0;
    bool overflow = false;
    std::optional<long> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    std::size_t n = size * count;
    if (sink->body->size() + n > sink->limit) {
        sink->overflow = true;
        return 0;  // aborts the transfer
    }
    sink->body->append(data, n);
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    std::size_t n = size * count;
    std::string_view line(data, n);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        bool match = true;
        for (std::size_t i = 0; i < kName.size(); ++i) {
            char c = line[i];
            if (c >= 'A' && c <= 'Z') {
                c = static_cast<char>(c - 'A' + 'a');
            }
            if (c != kName[i]) {
                match = false;
                break;
            }
        }
        if (match) {
            // Only the delta-seconds form: an HTTP-date falls back to our backoff.
            std::string value(line.substr(kName.size()));
            char* end = nullptr;
            long seconds = std::strtol(value.c_str(), &end, 10);
            if (end != value.c_str() && seconds >= 0) {
                sink->retry_after = seconds;
            }
        }
    }
    if (line.rfind("HTTP/", 0) == 0) {
        sink->retry_after.reset();  // a new response (after 100 Continue or a redirect)
    }
    return n;
}

// libcurl uses OpenSSL here as the uplink does, so both trust the same roots:
// the operating system's store is added to each new TLS context.
CURLcode add_trusted_roots(CURL*, void* ssl_ctx, void*) {
    tls::add_system_roots(SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx)));
    return CURLE_OK;
}

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

TransportFailure classify(CURLcode code) {
    switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
            return TransportFailure::timeout;
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING:
            return TransportFailure::connect;
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
            return TransportFailure::truncated;
        default:
            return TransportFailure::other;
    }
}

}  // namespace

struct HttpClient::Impl {
    HttpOptions options;
    CURL* curl = nullptr;
};

HttpClient::HttpClient(HttpOptions options) : impl_(std::make_unique<Impl>()) {
    global_init();
    impl_->options = std::move(options);
    impl_->curl = curl_easy_init();
}

HttpClient::~HttpClient() {
    if (impl_->curl != nullptr) {
        curl_easy_cleanup(impl_->curl);
    }
}

void HttpClient::apply_options() {
    CURL* curl = impl_->curl;
    const HttpOptions& o = impl_->options;
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate when the server offers
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, o.verify_tls ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, o.verify_tls ? 2L : 0L);
    if (!o.ca_file.empty()) {
        curl_easy_setopt(curl, CURLOPT_CAINFO, o.ca_file.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, &add_trusted_roots);
    if (o.proxy == "direct") {
        curl_easy_setopt(curl, CURLOPT_PROXY, "");
    } else if (!o.proxy.empty()) {
        curl_easy_setopt(curl, CURLOPT_PROXY, o.proxy.c_str());
    }  // else: libcurl reads http_proxy/https_proxy/no_proxy itself
}

ProbeResult HttpClient::probe(const std::string& url) {
    ProbeResult out;
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
        out.error = "libcurl could not be initialised";
        return out;
    }
    std::swap(curl, impl_->curl);
    curl_easy_reset(impl_->curl);
    apply_options();
    curl_easy_setopt(impl_->curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(impl_->curl, CURLOPT_CONNECT_ONLY, 1L);
    char message[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(impl_->curl, CURLOPT_ERRORBUFFER, message);
    CURLcode code = curl_easy_perform(impl_->curl);
    char* ip = nullptr;
    if (curl_easy_getinfo(impl_->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) {
        out.address = ip;
    }
    out.resolved = code != CURLE_COULDNT_RESOLVE_HOST && code != CURLE_COULDNT_RESOLVE_PROXY;
    out.connected =
        out.resolved && code != CURLE_COULDNT_CONNECT && code != CURLE_OPERATION_TIMEDOUT;
    out.tls = code == CURLE_OK;
    if (code != CURLE_OK) {
        out.error = message[0] != '\0' ? std::string(message) : curl_easy_strerror(code);
    }
    curl_easy_cleanup(impl_->curl);
    impl_->curl = curl;  // the data connection stays as it was
    return out;
}

HttpResponse HttpClient::send(const HttpRequest& request, std::string& body) {
    HttpResponse out;
    body.clear();
    CURL* curl = impl_->curl;
    if (curl == nullptr) {
        out.failure = TransportFailure::other;
        out.error = "libcurl could not be initialised";
        return out;
    }
    // Reset per request but keep the handle: its connection cache is the keep-alive.
    curl_easy_reset(curl);
    apply_options();
    Sink sink{&body, impl_->options.max_body_bytes, false, std::nullopt};
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &sink);
    curl_slist* headers = nullptr;
    for (const auto& h : request.headers) {
        headers = curl_slist_append(headers, h.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (request.method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    }
    char message[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, message);
    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    out.retry_after_s = sink.retry_after;
    if (sink.overflow) {
        out.failure = TransportFailure::too_large;
        out.error =
            fmt::format("the answer is larger than {} MiB", impl_->options.max_body_bytes >> 20);
    } else if (code != CURLE_OK) {
        out.failure = classify(code);
        out.error = message[0] != '\0' ? std::string(message) : curl_easy_strerror(code);
    }
    return out;
}

}  // namespace cs::agent::odata
