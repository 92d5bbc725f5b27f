#include "relay/apply/json_render.hpp"

#include <charconv>

#include "common/calendar/iso.hpp"
#include "common/text/json_string.hpp"

namespace cs::relay::apply {
namespace {

// The renderers write straight into the COPY buffer: the Value to_text() family
// allocates a string per value, which dominated the relay's CPU time per row.

void append_date(std::string& out, Date date) {
    char buffer[calendar::kIsoDateSize + 2];
    buffer[0] = '"';
    calendar::write_iso_date(buffer + 1, date.days);
    buffer[sizeof(buffer) - 1] = '"';
    out.append(buffer, sizeof(buffer));
}

void append_timestamp(std::string& out, Timestamp ts) {
    char buffer[calendar::kIsoTimestampMaxSize + 2];
    buffer[0] = '"';
    std::size_t size = 1 + calendar::write_iso_timestamp(buffer + 1, ts.micros);
    buffer[size++] = '"';
    out.append(buffer, size);
}

}  // namespace

JsonRenderer::JsonRenderer(std::span<const wire::Field> schema) {
    keys_.reserve(schema.size());
    for (std::size_t i = 0; i < schema.size(); ++i) {
        std::string key = i == 0 ? "" : ",";
        text::append_json_string(key, schema[i].name);
        key.push_back(':');
        keys_.push_back(std::move(key));
    }
}

void JsonRenderer::render(std::string& out, std::span<const Value> values) const {
    out.push_back('{');
    char buffer[32];
    for (std::size_t i = 0; i < values.size() && i < keys_.size(); ++i) {
        out += keys_[i];
        const auto& v = values[i].storage();
        switch (v.index()) {
            case 0:
                out += "null";
                break;
            case 1:
                text::append_json_string(out, std::get<std::string>(v));
                break;
            case 2:
                // Plain notation with its scale, always a valid JSON number
                // ("0.50", "-12", never ".5" or "1e3").
                std::get<Decimal>(v).append_to(out);
                break;
            case 3: {
                auto [end, ec] =
                    std::to_chars(buffer, buffer + sizeof(buffer), std::get<std::int64_t>(v));
                (void)ec;
                out.append(buffer, end);
                break;
            }
            case 4:
                out += std::get<bool>(v) ? "true" : "false";
                break;
            case 5:
                append_date(out, std::get<Date>(v));
                break;
            case 6:
                append_timestamp(out, std::get<Timestamp>(v));
                break;
        }
    }
    out.push_back('}');
}

}  // namespace cs::relay::apply
