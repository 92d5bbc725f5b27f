#include "relay/alerts/email_message.hpp"

#include <ctime>

#include <fmt/format.h>
#include <openssl/rand.h>

#include "common/text/base64.hpp"
#include "relay/config/smtp_config.hpp"

namespace cs::relay::alerts {
namespace {

constexpr std::size_t kMaxLine = 990;  // RFC 5322 allows 998 before CRLF

bool is_ascii(std::string_view s) {
    for (unsigned char c : s) {
        if (c >= 0x80) {
            return false;
        }
    }
    return true;
}

// A header value on one line: control characters (CR, LF above all, which
// would start a header of the sender's choosing) become spaces.
std::string one_line(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            c = ' ';
        }
    }
    return out;
}

// RFC 2047 encoded words of at most 75 characters, split between UTF-8
// characters, for a subject that is not ASCII.
std::string encode_subject(std::string_view subject) {
    if (is_ascii(subject) && subject.size() <= 900) {
        return std::string(subject);
    }
    std::string out;
    std::size_t i = 0;
    while (i < subject.size()) {
        std::size_t n = std::min<std::size_t>(45, subject.size() - i);
        // Do not cut a UTF-8 sequence: back off to the start of a character.
        while (n > 0 && i + n < subject.size() &&
               (static_cast<unsigned char>(subject[i + n]) & 0xC0) == 0x80) {
            --n;
        }
        if (n == 0) {
            n = std::min<std::size_t>(45, subject.size() - i);
        }
        if (!out.empty()) {
            out += "\r\n ";
        }
        out += "=?UTF-8?B?" + text::base64_encode(subject.substr(i, n)) + "?=";
        i += n;
    }
    return out;
}

// The body with CRLF line endings (CR, LF or CRLF in), long lines broken.
std::string crlf_body(std::string_view body) {
    std::string out;
    out.reserve(body.size() + body.size() / 32 + 2);
    std::size_t line = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < body.size() && body[i + 1] == '\n') {
                ++i;
            }
            out += "\r\n";
            line = 0;
            continue;
        }
        if (line == kMaxLine) {
            out += "\r\n";
            line = 0;
        }
        out += c;
        ++line;
    }
    if (out.empty() || !out.ends_with("\r\n")) {
        out += "\r\n";
    }
    return out;
}

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    (void)RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
    std::string hex;
    for (unsigned char c : raw) {
        hex += fmt::format("{:02x}", c);
    }
    return hex;
}

}  // namespace

std::string rfc5322_date(std::chrono::system_clock::time_point at) {
    std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return fmt::format("{}, {:02d} {} {} {:02d}:{:02d}:{:02d} +0000", kDays[tm.tm_wday], tm.tm_mday,
                       kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Expected<std::string> render_email(const EmailMessage& m, std::string_view from,
                                   std::chrono::system_clock::time_point at,
                                   std::size_t max_bytes) {
    if (!is_plain_address(m.to)) {
        return make_error(ErrorCode::invalid_argument,
                          "'{}' is not one e-mail address such as buyer@example.com",
                          one_line(m.to));
    }
    if (!is_plain_address(from)) {
        return make_error(ErrorCode::invalid_argument, "the sender '{}' is not one e-mail address",
                          one_line(from));
    }
    auto domain = from.substr(from.find('@') + 1);
    std::string out = fmt::format(
        "Date: {}\r\nMessage-ID: <{}@{}>\r\nFrom: ContractSync <{}>\r\nTo: <{}>\r\nSubject: "
        "{}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: auto-generated\r\n\r\n",
        rfc5322_date(at), random_hex(16), domain, from, m.to, encode_subject(one_line(m.subject)));
    auto body = crlf_body(m.body);
    constexpr std::string_view kCut = "\r\n[message shortened]\r\n";
    if (out.size() + body.size() > max_bytes && max_bytes > out.size() + kCut.size()) {
        std::size_t keep = max_bytes - out.size() - kCut.size();
        // Cut at a character boundary, not inside a UTF-8 sequence or a CRLF.
        while (keep > 0 &&
               ((static_cast<unsigned char>(body[keep]) & 0xC0) == 0x80 || body[keep] == '\n')) {
            --keep;
        }
        body.resize(keep);
        body += kCut;
    }
    return out + body;
}

}  // namespace cs::relay::alerts
