#pragma once

// One notification e-mail as it goes over SMTP (RFC 5322): the headers a mail
// system expects and a UTF-8 plain-text body, every line ended by CRLF.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/base/expected.hpp"

namespace cs::relay::alerts {

struct EmailMessage {
    std::string to;       // one address
    std::string subject;  // UTF-8; header-encoded when not ASCII
    std::string body;     // UTF-8 text; any line endings
};

// The message text: Date, Message-ID (<random@domain of from>), From, To,
// Subject, MIME-Version, Content-Type text/plain UTF-8, 8bit, then the body
// with CRLF line endings, lines over 990 bytes broken, and the whole cut to
// `max_bytes` with a note. Dot-stuffing belongs to the SMTP transfer, not to
// the message (smtp_client.hpp).
Expected<std::string> render_email(const EmailMessage& message, std::string_view from,
                                   std::chrono::system_clock::time_point at,
                                   std::size_t max_bytes = 64u << 10);

// RFC 5322 date-time in UTC: "Mon, 07 Dec 2026 15:04:05 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point at);

}  // namespace cs::relay::alerts
