#include "common/uuid/uuid.hpp"

#include <chrono>
#include <mutex>
#include <stdexcept>

#include <openssl/rand.h>

#include "common/text/hex.hpp"

namespace cs {

std::string Uuid::to_string() const {
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out.push_back('-');
        }
        text::append_hex(out, bytes[i]);
    }
    return out;
}

Expected<Uuid> Uuid::parse(std::string_view text) {
    auto fail = [&] { return make_error(ErrorCode::parse_error, "'{}' is not a UUID", text); };
    if (text.size() != 36) {
        return fail();
    }
    Uuid out;
    std::size_t b = 0;
    for (std::size_t i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') {
                return fail();
            }
            ++i;
            continue;
        }
        int v = 0;
        for (int k = 0; k < 2; ++k, ++i) {
            char c = text[i];
            int n = text::hex_value(c);
            if (n < 0) {
                return fail();
            }
            v = v * 16 + n;
        }
        out.bytes[b++] = static_cast<std::uint8_t>(v);
    }
    return out;
}

std::int64_t Uuid::unix_millis() const {
    std::int64_t ms = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        ms = (ms << 8) | bytes[i];
    }
    return ms;
}

Uuid uuid_v7() {
    static std::mutex mutex;
    static std::int64_t last_ms = 0;
    static std::uint16_t counter = 0;

    std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    Uuid out;
    if (RAND_bytes(out.bytes.data(), static_cast<int>(out.bytes.size())) != 1) {
        // The CSPRNG failing is not a recoverable condition for an ID generator.
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    std::uint16_t seq = 0;
    {
        std::lock_guard lock(mutex);
        if (now > last_ms) {
            last_ms = now;
            counter =
                static_cast<std::uint16_t>(out.bytes[6] & 0x03);  // random start, room to grow
        } else {
            // Same millisecond (or the clock stepped back): keep order by counting.
            if (++counter > 0x0fff) {
                ++last_ms;
                counter = 0;
            }
            now = last_ms;
        }
        seq = counter;
    }
    for (std::size_t i = 0; i < 6; ++i) {
        out.bytes[i] = static_cast<std::uint8_t>((now >> (8 * (5 - i))) & 0xff);
    }
    out.bytes[6] = static_cast<std::uint8_t>(0x70 | ((seq >> 8) & 0x0f));
    out.bytes[7] = static_cast<std::uint8_t>(seq & 0xff);
    out.bytes[8] = static_cast<std::uint8_t>(0x80 | (out.bytes[8] & 0x3f));
    return out;
}

}  // namespace cs
