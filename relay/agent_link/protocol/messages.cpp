#include "relay/agent_link/protocol/messages.hpp"

#include <fmt/format.h>

#include "common/uuid/uuid.hpp"
#include "common/value/value.hpp"

namespace cs::relay::agent_link {
namespace {

using nlohmann::json;

// Deeper documents are refused while parsing: nothing the protocol sends nests
// this far, and serialising peer JSON later recurses once per level.
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxName = 256;        // ids, names, versions
constexpr std::size_t kMaxText = 64u << 10;  // errors, messages, raw rows

Error bad(std::string_view type, std::string_view field, std::string_view why) {
    return make_error(ErrorCode::parse_error, "{} message: {}: {}", type, field, why);
}

// A required or optional string field, bounded.
Expected<std::optional<std::string>> string_field(const json& j, std::string_view type,
                                                  const char* field, bool required,
                                                  std::size_t max = kMaxName) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) {
        if (required) {
            return bad(type, field, "missing");
        }
        return std::optional<std::string>();
    }
    if (!it->is_string()) {
        return bad(type, field, "must be a string");
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max) {
        return bad(type, field, fmt::format("longer than {} bytes", max));
    }
    if (required && s.empty()) {
        return bad(type, field, "must not be empty");
    }
    return std::optional<std::string>(s);
}

// Free text that peers may send as any JSON value (e.g. a raw row as an object).
std::optional<std::string> text_of(const json& j, const char* field) {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) {
        return std::nullopt;
    }
    std::string s = it->is_string() ? it->get<std::string>() : dump(*it);
    if (s.size() > kMaxText) {
        s.resize(kMaxText);
    }
    return s;
}

Expected<std::string> uuid_field(const json& j, std::string_view type, const char* field) {
    auto s = string_field(j, type, field, true);
    if (!s) {
        return std::move(s).error();
    }
    auto u = Uuid::parse(**s);
    if (!u) {
        return bad(type, field, "must be a UUID");
    }
    return u->to_string();
}

Expected<ControlMessage> parse_hello(const json& j, const MessageLimits& limits) {
    Hello h;
    auto protocols = j.find("protocols");
    if (protocols == j.end() || !protocols->is_array() || protocols->empty() ||
        protocols->size() > 16) {
        return bad("hello", "protocols", "must be a list of 1 to 16 version numbers");
    }
    for (const auto& p : *protocols) {
        if (!p.is_number_integer()) {
            return bad("hello", "protocols", "versions must be integers");
        }
        h.protocols.push_back(p.get<int>());
    }
    for (auto [field, out] :
         {std::pair{"agent_id", &h.agent_id}, std::pair{"agent_version", &h.agent_version},
          std::pair{"host", &h.host}, std::pair{"os", &h.os}}) {
        auto s = string_field(j, "hello", field, false);
        if (!s) {
            return std::move(s).error();
        }
        *out = s->value_or("");
    }
    auto streams = j.find("streams");
    if (streams != j.end() && !streams->is_null()) {
        if (!streams->is_array() || streams->size() > limits.max_streams) {
            return bad("hello", "streams",
                       fmt::format("must be a list of at most {} stream ids", limits.max_streams));
        }
        for (const auto& s : *streams) {
            auto u = s.is_string() ? Uuid::parse(s.get<std::string>()) : Expected<Uuid>(Error{});
            if (!u) {
                return bad("hello", "streams", "every stream id must be a UUID");
            }
            h.streams.push_back(u->to_string());
        }
    }
    return h;
}

Expected<ControlMessage> parse_run_report(const json& j) {
    RunReport r;
    for (auto [field, out] : {std::pair{"run_id", &r.run_id}, std::pair{"entity", &r.entity},
                              std::pair{"status", &r.status}}) {
        auto s = string_field(j, "run_report", field, true);
        if (!s) {
            return std::move(s).error();
        }
        *out = **s;
    }
    for (auto [field, out] :
         {std::pair{"started_at", &r.started_at}, std::pair{"finished_at", &r.finished_at}}) {
        auto s = string_field(j, "run_report", field, false);
        if (!s) {
            return std::move(s).error();
        }
        // Kept only when PostgreSQL can read it; the full message keeps the rest.
        if (*s && Timestamp::parse_iso(**s)) {
            *out = **s;
        }
    }
    for (auto [field, out] :
         {std::pair{"counts", &r.counts}, std::pair{"durations", &r.durations}}) {
        auto it = j.find(field);
        if (it != j.end() && !it->is_null()) {
            if (!it->is_object()) {
                return bad("run_report", field, "must be an object");
            }
            *out = *it;
        }
    }
    r.error = text_of(j, "error");
    r.message = j;
    return r;
}

Expected<ControlMessage> parse_failed_rows(const json& j, const MessageLimits& limits) {
    FailedRows f;
    auto entity = string_field(j, "failed_rows", "entity", true);
    if (!entity) {
        return std::move(entity).error();
    }
    f.entity = **entity;
    auto rows = j.find("rows");
    if (rows == j.end() || !rows->is_array() || rows->size() > limits.max_failed_rows) {
        return bad("failed_rows", "rows",
                   fmt::format("must be a list of at most {} rows", limits.max_failed_rows));
    }
    for (const auto& row : *rows) {
        if (!row.is_object()) {
            return bad("failed_rows", "rows", "every row must be an object");
        }
        auto id = row.find("id");
        if (id == row.end() || !(id->is_string() || id->is_number_integer()) ||
            (id->is_string() && (id->get_ref<const std::string&>().empty() ||
                                 id->get_ref<const std::string&>().size() > kMaxName))) {
            return bad("failed_rows", "rows[].id", "must be a non-empty string or an integer");
        }
        FailedRow out;
        out.id = id->is_string() ? id->get<std::string>() : dump(*id);
        out.run_id = text_of(row, "run_id");
        out.stage = text_of(row, "stage");
        out.field = text_of(row, "field");
        out.error = text_of(row, "error");
        out.value = text_of(row, "value");
        out.location = text_of(row, "location");
        out.raw = text_of(row, "raw");
        auto truncated = row.find("raw_truncated");
        out.raw_truncated =
            truncated != row.end() && truncated->is_boolean() && truncated->get<bool>();
        auto created = row.find("created_at_us");
        // Years 1970 to 9999 in microseconds: PostgreSQL can store it.
        constexpr std::int64_t kMaxMicros = 253'402'300'799'999'999;
        if (created != row.end() && created->is_number_integer() &&
            created->get<std::int64_t>() >= 0 && created->get<std::int64_t>() <= kMaxMicros) {
            out.created_at_us = created->get<std::int64_t>();
        }
        f.rows.push_back(std::move(out));
    }
    return f;
}

Expected<ControlMessage> parse_command_result(const json& j) {
    CommandResult c;
    auto id = uuid_field(j, "command_result", "id");
    if (!id) {
        return std::move(id).error();
    }
    c.id = *id;
    auto ok_field = j.find("ok");
    if (ok_field == j.end() || !ok_field->is_boolean()) {
        return bad("command_result", "ok", "must be true or false");
    }
    c.ok = ok_field->get<bool>();
    c.message = text_of(j, "message").value_or("");
    auto run = string_field(j, "command_result", "run_id", false);
    if (!run) {
        return std::move(run).error();
    }
    c.run_id = *run;
    return c;
}

}  // namespace

std::string dump(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Expected<ControlMessage> parse_control(std::string_view text, const MessageLimits& limits) {
    json j;
    try {
        j = json::parse(text, [](int depth, json::parse_event_t, json&) {
            if (depth > kMaxDepth) {
                throw std::length_error("nested deeper than 32 levels");
            }
            return true;
        });
    } catch (const std::exception& e) {
        return make_error(ErrorCode::parse_error, "malformed JSON control message: {}", e.what());
    }
    if (!j.is_object()) {
        return make_error(ErrorCode::parse_error, "a control message must be a JSON object");
    }
    auto type = j.find("type");
    if (type == j.end() || !type->is_string()) {
        return make_error(ErrorCode::parse_error, "a control message needs a string \"type\"");
    }
    const auto& t = type->get_ref<const std::string&>();
    if (t == "hello") {
        return parse_hello(j, limits);
    }
    if (t == "heartbeat") {
        auto status = j.find("status");
        if (status == j.end() || !status->is_object()) {
            return bad("heartbeat", "status", "must be an object");
        }
        return Heartbeat{*status};
    }
    if (t == "run_report") {
        return parse_run_report(j);
    }
    if (t == "failed_rows") {
        return parse_failed_rows(j, limits);
    }
    if (t == "command_result") {
        return parse_command_result(j);
    }
    std::string shown = t.size() > 64 ? t.substr(0, 64) + "..." : t;
    return make_error(ErrorCode::parse_error, "unknown message type '{}'", shown);
}

std::string welcome_json(const Welcome& w) {
    json streams = json::array();
    for (const auto& s : w.streams) {
        streams.push_back({{"stream_id", s.stream_id}, {"last_sequence", s.last_sequence}});
    }
    return dump({{"type", "welcome"},
                 {"protocol", kProtocolVersion},
                 {"relay_version", w.relay_version},
                 {"site_id", w.site_id},
                 {"tenant_id", w.tenant_id},
                 {"streams", streams},
                 {"max_frame_bytes", w.max_frame_bytes},
                 {"window", w.window},
                 {"heartbeat_seconds", w.heartbeat_seconds}});
}

std::string ack_json(const std::string& stream_id, std::uint64_t sequence,
                     const apply::ApplyOutcome& outcome) {
    json j = {{"type", "ack"},
              {"stream_id", stream_id},
              {"sequence", sequence},
              {"status", apply::to_string(outcome.verdict)},
              {"rows", outcome.rows_changed()}};
    if (outcome.verdict == apply::Verdict::rejected) {
        j["error"] = outcome.error;
    }
    return dump(j);
}

std::string command_json(const Command& c) {
    json j = {{"type", "command"}, {"id", c.id}, {"command", c.command}};
    if (c.entity) {
        j["entity"] = *c.entity;
    }
    return dump(j);
}

}  // namespace cs::relay::agent_link
