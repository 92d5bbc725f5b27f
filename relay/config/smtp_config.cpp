#include "relay/config/smtp_config.hpp"

#include <fmt/format.h>

#include "relay/config/secret_setting.hpp"

namespace cs::relay {
bool is_plain_address(std::string_view a) {
    auto at = a.find('@');
    return a.size() <= 254 && at != std::string_view::npos && at > 0 && at + 1 < a.size() &&
           a.find('@', at + 1) == std::string_view::npos &&
           a.find_first_of(" \t\r\n<>\",;:()[]\\") == std::string_view::npos;
}

std::string_view to_string(SmtpTls tls) {
    switch (tls) {
        case SmtpTls::none:
            return "none";
        case SmtpTls::starttls:
            return "starttls";
        case SmtpTls::tls:
            return "tls";
    }
    return "?";
}

Expected<SmtpConfig> read_smtp_config(const config::Reader& r, const char* const* env,
                                      const std::filesystem::path& base_dir) {
    if (auto s = r.allow_only({"host", "port", "from", "tls", "username", "password_env",
                               "password_file", "ca_file", "helo_name", "portal_url",
                               "connect_timeout", "timeout", "batch", "max_message_bytes"});
        !s) {
        return std::move(s).error();
    }
    SmtpConfig c;
    auto host = r.string("host");
    auto port = r.integer_or("port", c.port, 1, 65535);
    auto from = r.string("from");
    auto tls = r.string_or("tls", "starttls");
    auto username = r.string_or("username", "");
    auto ca_file = r.string_or("ca_file", "");
    auto helo = r.string_or("helo_name", "");
    auto portal_url = r.string_or("portal_url", "");
    auto connect_timeout = r.duration_or("connect_timeout", c.connect_timeout);
    auto timeout = r.duration_or("timeout", c.timeout);
    auto batch = r.integer_or("batch", static_cast<std::int64_t>(c.batch), 1, 10'000);
    auto max_bytes = r.integer_or("max_message_bytes",
                                  static_cast<std::int64_t>(c.max_message_bytes), 1024, 10LL << 20);
    for (const Error* e :
         {host ? nullptr : &host.error(), port ? nullptr : &port.error(),
          from ? nullptr : &from.error(), tls ? nullptr : &tls.error(),
          username ? nullptr : &username.error(), ca_file ? nullptr : &ca_file.error(),
          helo ? nullptr : &helo.error(), portal_url ? nullptr : &portal_url.error(),
          connect_timeout ? nullptr : &connect_timeout.error(),
          timeout ? nullptr : &timeout.error(), batch ? nullptr : &batch.error(),
          max_bytes ? nullptr : &max_bytes.error()}) {
        if (e != nullptr) {
            return *e;
        }
    }
    if (host->empty() || host->find_first_of(" /\r\n") != std::string::npos) {
        return r.error("host", "must be a host name or address, such as smtp.example.com");
    }
    if (!is_plain_address(*from)) {
        return r.error("from", fmt::format("'{}' is not one e-mail address such as "
                                           "notifications@example.com",
                                           *from));
    }
    if (*tls == "none") {
        c.tls = SmtpTls::none;
    } else if (*tls == "starttls") {
        c.tls = SmtpTls::starttls;
    } else if (*tls == "tls") {
        c.tls = SmtpTls::tls;
    } else {
        return r.error("tls",
                       fmt::format("'{}' is not a TLS mode: use starttls, tls or none", *tls));
    }
    auto password = read_secret_setting(r, "password", "SMTP password", env, base_dir);
    if (!password) {
        return std::move(password).error();
    }
    if (!password->empty() && username->empty()) {
        return r.error("username", "a password is set but no username to log in with");
    }
    if (!password->empty() && c.tls == SmtpTls::none) {
        return r.error("tls",
                       "AUTH over plain SMTP would send the password in clear: use "
                       "starttls or tls");
    }
    c.host = std::move(*host);
    c.port = static_cast<std::uint16_t>(*port);
    c.from = std::move(*from);
    c.username = std::move(*username);
    c.password = std::move(*password);
    c.ca_file = std::move(*ca_file);
    if (!c.ca_file.empty() && !base_dir.empty() && std::filesystem::path(c.ca_file).is_relative()) {
        c.ca_file = (base_dir / c.ca_file).string();
    }
    c.helo_name = std::move(*helo);
    if (!portal_url->empty() && !portal_url->starts_with("https://") &&
        !portal_url->starts_with("http://")) {
        return r.error("portal_url",
                       "must be the portal's address, such as "
                       "https://relay.example.com");
    }
    c.portal_url = std::move(*portal_url);
    c.connect_timeout = *connect_timeout;
    c.timeout = *timeout;
    c.batch = static_cast<std::size_t>(*batch);
    c.max_message_bytes = static_cast<std::size_t>(*max_bytes);
    return c;
}

}  // namespace cs::relay
