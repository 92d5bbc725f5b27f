#pragma once

// Sends notification e-mails over SMTP with libcurl, the relay's HTTP client
// already (docs/relay.md, "Notifications"): plain, STARTTLS (required, never
// optional, when configured) or implicit TLS, through the OpenSSL libcurl
// uses; AUTH when a username is set. libcurl does the SMTP dialogue (EHLO,
// STARTTLS, AUTH, MAIL FROM, RCPT TO, DATA with dot-stuffing and the final
// ".", QUIT) and checks every reply code; this class turns its failures into
// sentences that name the server, the step and the server's own reply.
//
// Threading: one client per thread; the connection is kept between messages
// of one batch and closed with the client.
#include <memory>
#include <string>

#include "common/base/expected.hpp"
#include "relay/alerts/email_message.hpp"
#include "relay/config/smtp_config.hpp"

namespace cs::relay::alerts {

class SmtpClient {
public:
    explicit SmtpClient(SmtpConfig config);
    ~SmtpClient();
    SmtpClient(const SmtpClient&) = delete;
    SmtpClient& operator=(const SmtpClient&) = delete;

    // Sends one message to message.to within config.timeout. The error names
    // the server and what it answered; the password never appears in it.
    Status send(const EmailMessage& message);

    const SmtpConfig& config() const { return config_; }

private:
    struct Handle;
    SmtpConfig config_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace cs::relay::alerts
