// Parsing what the relay sends: welcome, ack, command.
#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

#include "agent/ship/messages.hpp"

namespace cs::agent::ship {
namespace {

using nlohmann::json;

// Every field a relay message carries is checked here; an error names the
// message type and the field and becomes the reason of a 4000 close.
class Fields {
public:
    Fields(const json& message, std::string_view type) : message_(message), type_(type) {}

    Expected<std::string> text(const char* field, bool required, std::size_t max_bytes) const {
        auto it = message_.find(field);
        if (it == message_.end() || it->is_null()) {
            if (required) {
                return missing(field);
            }
            return std::string();
        }
        if (!it->is_string()) {
            return wrong(field, "a string");
        }
        const auto& value = it->get_ref<const std::string&>();
        if (value.size() > max_bytes) {
            return make_error(ErrorCode::limit_exceeded, "{}: {} is longer than {} bytes", type_,
                              field, max_bytes);
        }
        return value;
    }

    Expected<std::uint64_t> number(const char* field, std::uint64_t min, std::uint64_t max) const {
        auto it = message_.find(field);
        if (it == message_.end() || it->is_null()) {
            return missing(field);
        }
        return number_in(*it, field, min, max);
    }

    Expected<std::uint64_t> number_in(const json& value, const char* field, std::uint64_t min,
                                      std::uint64_t max) const {
        if (!value.is_number_integer() ||
            (!value.is_number_unsigned() && value.get<std::int64_t>() < 0)) {
            return wrong(field, "a non-negative integer");
        }
        auto n = value.get<std::uint64_t>();
        if (n < min || n > max) {
            return make_error(ErrorCode::parse_error, "{}: {} = {} is outside {}..{}", type_, field,
                              n, min, max);
        }
        return n;
    }

    Error missing(const char* field) const {
        return make_error(ErrorCode::parse_error, "{}: missing field '{}'", type_, field);
    }
    Error wrong(const char* field, const char* expected) const {
        return make_error(ErrorCode::parse_error, "{}: '{}' must be {}", type_, field, expected);
    }

private:
    const json& message_;
    std::string_view type_;
};

constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxRelayTextBytes = 64u << 10;

Expected<Welcome> parse_welcome(const json& j, std::string_view stream_id) {
    Fields f(j, "welcome");
    Welcome w;
    auto protocol = f.number("protocol", 0, 1'000'000);
    auto frame = f.number("max_frame_bytes", 1024, std::numeric_limits<std::uint32_t>::max());
    auto window = f.number("window", 1, 100'000);
    auto heartbeat = f.number("heartbeat_seconds", 1, 3600);
    if (!protocol || !frame || !window || !heartbeat) {
        return !protocol ? protocol.error()
               : !frame  ? frame.error()
               : !window ? window.error()
                         : heartbeat.error();
    }
    w.protocol = static_cast<int>(*protocol);
    // Our own frames never exceed the wire format's limit, so a larger promise
    // changes nothing.
    w.max_frame_bytes = std::min<std::size_t>(*frame, kMaxFrameBytes);
    w.window = static_cast<std::size_t>(*window);
    w.heartbeat = std::chrono::seconds(*heartbeat);
    auto relay_version = f.text("relay_version", false, kMaxIdBytes);
    auto site = f.text("site_id", false, kMaxIdBytes);
    auto tenant = f.text("tenant_id", false, kMaxIdBytes);
    if (!relay_version || !site || !tenant) {
        return !relay_version ? relay_version.error() : !site ? site.error() : tenant.error();
    }
    w.relay_version = *relay_version;
    w.site_id = *site;
    w.tenant_id = *tenant;
    auto streams = j.find("streams");
    if (streams == j.end() || !streams->is_array()) {
        return f.wrong("streams", "a list of {stream_id, last_sequence}");
    }
    for (const auto& s : *streams) {
        if (!s.is_object()) {
            return f.wrong("streams", "a list of {stream_id, last_sequence}");
        }
        Fields sf(s, "welcome.streams[]");
        auto id = sf.text("stream_id", true, kMaxIdBytes);
        if (!id) {
            return std::move(id).error();
        }
        if (*id != stream_id) {
            continue;
        }
        auto last = sf.number("last_sequence", 0, std::numeric_limits<std::int64_t>::max());
        if (!last) {
            return std::move(last).error();
        }
        w.last_sequence = *last;
    }
    return w;
}

Expected<Ack> parse_ack(const json& j) {
    Fields f(j, "ack");
    Ack ack;
    auto stream = f.text("stream_id", true, kMaxIdBytes);
    auto sequence = f.number("sequence", 1, std::numeric_limits<std::int64_t>::max());
    auto status = f.text("status", true, 16);
    if (!stream || !sequence || !status) {
        return !stream ? stream.error() : !sequence ? sequence.error() : status.error();
    }
    ack.stream_id = *stream;
    ack.sequence = *sequence;
    if (*status == "applied") {
        ack.status = AckStatus::applied;
    } else if (*status == "duplicate") {
        ack.status = AckStatus::duplicate;
    } else if (*status == "rejected") {
        ack.status = AckStatus::rejected;
    } else {
        return make_error(ErrorCode::parse_error,
                          "ack: status '{}' is not applied, duplicate or rejected", *status);
    }
    if (auto rows = j.find("rows"); rows != j.end() && rows->is_number_integer()) {
        ack.rows = rows->get<std::int64_t>();
    }
    auto error = f.text("error", false, kMaxRelayTextBytes);
    if (!error) {
        return std::move(error).error();
    }
    ack.error = *error;
    if (ack.status == AckStatus::rejected && ack.error.empty()) {
        ack.error = "rejected by the relay without a reason";
    }
    return ack;
}

Expected<RelayCommand> parse_command(const json& j) {
    Fields f(j, "command");
    auto id = f.text("id", true, kMaxIdBytes);
    auto command = f.text("command", true, kMaxIdBytes);
    auto entity = f.text("entity", false, kMaxIdBytes);
    if (!id || !command || !entity) {
        return !id ? id.error() : !command ? command.error() : entity.error();
    }
    if (id->empty()) {
        return make_error(ErrorCode::parse_error, "command: 'id' is empty");
    }
    return RelayCommand{*id, *command, *entity};
}

}  // namespace

std::string_view to_string(AckStatus status) {
    switch (status) {
        case AckStatus::applied:
            return "applied";
        case AckStatus::duplicate:
            return "duplicate";
        case AckStatus::rejected:
            return "rejected";
    }
    return "unknown";
}

Expected<Incoming> parse_incoming(std::string_view text, std::string_view stream_id) {
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return make_error(ErrorCode::parse_error, "message is not a JSON object");
    }
    auto type = j.find("type");
    if (type == j.end() || !type->is_string()) {
        return make_error(ErrorCode::parse_error, "message has no string 'type'");
    }
    Incoming in;
    in.type = type->get_ref<const std::string&>().substr(0, kMaxIdBytes);
    if (in.type == "welcome") {
        auto w = parse_welcome(j, stream_id);
        if (!w) {
            return std::move(w).error();
        }
        in.message = std::move(*w);
    } else if (in.type == "ack") {
        auto a = parse_ack(j);
        if (!a) {
            return std::move(a).error();
        }
        in.message = std::move(*a);
    } else if (in.type == "command") {
        auto c = parse_command(j);
        if (!c) {
            return std::move(c).error();
        }
        in.message = std::move(*c);
    }
    return in;
}

}  // namespace cs::agent::ship
