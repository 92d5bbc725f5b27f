#include "relay/apply/events.hpp"

namespace cs::relay::apply {
namespace {

// Messages can quote peer-supplied bytes; PostgreSQL text refuses NUL and invalid
// UTF-8, and a refused alert would block the acknowledgement forever.
std::string valid_text(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    std::size_t i = 0;
    while (i < in.size()) {
        auto c = static_cast<unsigned char>(in[i]);
        std::size_t len = c < 0x80         ? 1
                          : (c >> 5) == 6  ? 2
                          : (c >> 4) == 14 ? 3
                          : (c >> 3) == 30 ? 4
                                           : 0;
        bool good = len > 0 && i + len <= in.size() && c != 0;
        for (std::size_t k = 1; good && k < len; ++k) {
            good = (static_cast<unsigned char>(in[i + k]) >> 6) == 2;
        }
        if (good && len == 2) {
            good = c >= 0xC2;
        }
        if (good && len == 3) {
            auto c1 = static_cast<unsigned char>(in[i + 1]);
            good = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
        }
        if (good && len == 4) {
            auto c1 = static_cast<unsigned char>(in[i + 1]);
            good = c <= 0xF4 && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (good) {
            out.append(in.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";  // U+FFFD
            ++i;
        }
    }
    return out;
}

}  // namespace

Status record_event(db::Connection& conn, const Event& e) {
    db::Params p;
    p.text(e.tenant_id).text(e.site_id).text(e.kind).text(e.severity).optional_text(e.stream_id);
    if (e.sequence) {
        p.integer(static_cast<std::int64_t>(*e.sequence));
    } else {
        p.null();
    }
    p.text(valid_text(e.message)).text(e.details_json);
    auto r = conn.query("recording a relay event",
                        "INSERT INTO relay_events (tenant_id, site_id, kind, severity, stream_id, "
                        "sequence, message, details) VALUES ($1::uuid, $2::uuid, $3, $4, $5::uuid, "
                        "$6::bigint, $7, $8::jsonb)",
                        p);
    if (!r) {
        return std::move(r).error();
    }
    return ok();
}

}  // namespace cs::relay::apply
