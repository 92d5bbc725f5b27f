#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/base/expected.hpp"
#include "common/config/reader.hpp"

namespace cs::relay {

// How notification e-mails leave the relay (docs/relay.md, "Notifications").
enum class SmtpTls {
    none,      // plain SMTP: only for a relay on the same host or a test sink
    starttls,  // plain connection upgraded with STARTTLS; refused when not offered
    tls,       // TLS from the first byte (SMTPS, usually port 465)
};

struct SmtpConfig {
    std::string host;
    std::uint16_t port = 587;
    std::string from;  // the From address: notifications@example.com
    SmtpTls tls = SmtpTls::starttls;
    std::string username;    // AUTH when set
    std::string password;    // resolved at load time from password_env/_file; never logged
    std::string ca_file;     // PEM bundle to verify the server with; empty: the system's
    std::string helo_name;   // the name given in EHLO; empty: the host name
    std::string portal_url;  // e-mails link to the portal there; empty: no link
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds timeout{30'000};  // the whole dialogue of one message
    std::size_t batch = 50;                     // e-mails sent per check at most
    std::size_t max_message_bytes = 64u << 10;  // a rendered message is cut to this
};

std::string_view to_string(SmtpTls tls);

// Whether `address` is one plain mailbox (local@domain) with nothing that
// could end a header line or add a recipient: what the relay puts in an SMTP
// envelope or a header.
bool is_plain_address(std::string_view address);

// Reads the "smtp" section; relative files are resolved against `base_dir`.
Expected<SmtpConfig> read_smtp_config(const config::Reader& section, const char* const* env,
                                      const std::filesystem::path& base_dir);

}  // namespace cs::relay
