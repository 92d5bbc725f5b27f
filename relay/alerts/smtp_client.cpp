#include "relay/alerts/smtp_client.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <curl/curl.h>
#include <fmt/format.h>

namespace cs::relay::alerts {
namespace {

constexpr std::size_t kMaxReplyKept = 400;

struct Upload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    std::size_t n = std::min(size * count, up->data.size() - up->offset);
    std::memcpy(buffer, up->data.data() + up->offset, n);
    up->offset += n;
    return n;
}

// Keeps the server's first refusal (a 4xx or 5xx reply line), for the error
// message: what follows it (QUIT's 221) says nothing. Only what the server
// sent (CURLINFO_HEADER_IN) is looked at: what the relay sends includes AUTH
// and must never be kept.
int watch_replies(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    auto* refusal = static_cast<std::string*>(user);
    if (type != CURLINFO_HEADER_IN || !refusal->empty() || size == 0 ||
        (data[0] != '4' && data[0] != '5')) {
        return 0;
    }
    std::string_view line(data, std::min(size, kMaxReplyKept));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.remove_suffix(1);
    }
    refusal->assign(line);
    for (auto& c : *refusal) {
        if (static_cast<unsigned char>(c) < 0x20) {
            c = ' ';
        }
    }
    return 0;
}

}  // namespace

struct SmtpClient::Handle {
    CURL* curl = nullptr;
    ~Handle() {
        if (curl != nullptr) {
            curl_easy_cleanup(curl);
        }
    }
};

SmtpClient::SmtpClient(SmtpConfig config)
    : config_(std::move(config)), handle_(std::make_unique<Handle>()) {}

SmtpClient::~SmtpClient() = default;

Status SmtpClient::send(const EmailMessage& message) {
    const auto server = fmt::format("{}:{}", config_.host, config_.port);
    auto text = render_email(message, config_.from, std::chrono::system_clock::now(),
                             config_.max_message_bytes);
    if (!text) {
        return std::move(text).error();
    }
    if (handle_->curl == nullptr) {
        handle_->curl = curl_easy_init();
        if (handle_->curl == nullptr) {
            return make_error(ErrorCode::internal, "libcurl could not start an SMTP client");
        }
    }
    CURL* curl = handle_->curl;
    curl_easy_reset(curl);
    // smtp[s]://host:port/<EHLO name>
    auto url = fmt::format(
        "{}://{}:{}/{}", config_.tls == SmtpTls::tls ? "smtps" : "smtp",
        config_.host.find(':') != std::string::npos ? "[" + config_.host + "]" : config_.host,
        config_.port, config_.helo_name);
    std::string refusal;
    char curl_error[CURL_ERROR_SIZE] = {0};
    Upload upload{*text};
    const auto envelope_from = fmt::format("<{}>", config_.from);
    curl_slist* rcpt = curl_slist_append(nullptr, fmt::format("<{}>", message.to).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope_from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text->size()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(config_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // feeds watch_replies; nothing is printed
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, watch_replies);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &refusal);
    if (config_.tls == SmtpTls::starttls) {
        curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (!config_.ca_file.empty()) {
        curl_easy_setopt(curl, CURLOPT_CAINFO, config_.ca_file.c_str());
    }
    if (!config_.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, config_.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, config_.password.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    // The options point at this call's strings: none may outlive it.
    curl_easy_setopt(curl, CURLOPT_PASSWORD, nullptr);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, nullptr);
    if (rc == CURLE_OK) {
        return ok();
    }
    const std::string detail = curl_error[0] != '\0' ? curl_error : curl_easy_strerror(rc);
    const std::string reply = refusal.empty() ? "" : fmt::format(" (it said: {})", refusal);
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
            return make_error(ErrorCode::unavailable,
                              "the SMTP server {} did not answer within {} ms: {}{}", server,
                              config_.timeout.count(), detail, reply);
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
            return make_error(ErrorCode::unavailable, "cannot reach the SMTP server {}: {}", server,
                              detail);
        case CURLE_LOGIN_DENIED:
            return make_error(ErrorCode::unauthorized,
                              "the SMTP server {} refused the login of '{}'{}", server,
                              config_.username, reply);
        case CURLE_USE_SSL_FAILED:
            return make_error(ErrorCode::unavailable,
                              "the SMTP server {} does not offer STARTTLS, which smtp.tls "
                              "requires{}",
                              server, reply);
        default:
            break;
    }
    if (code == 0 && (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION)) {
        return make_error(ErrorCode::unavailable, "TLS with the SMTP server {} failed: {}", server,
                          detail);
    }
    // RCPT, MAIL or DATA refused: the reply code tells which and why.
    return make_error(code >= 500 ? ErrorCode::invalid_argument : ErrorCode::unavailable,
                      "the SMTP server {} refused the message to {}: {}{}", server, message.to,
                      detail, reply);
}

}  // namespace cs::relay::alerts
