// Building what the agent sends: hello, heartbeat, reports, command results.
#include <nlohmann/json.hpp>

#include "agent/ship/messages.hpp"
#include "common/value/value.hpp"

namespace cs::agent::ship {
namespace {

using nlohmann::json;

std::string shorten(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) {
        return std::string(text);
    }
    // Cutting inside a UTF-8 sequence is harmless: dump_message replaces it.
    return std::string(text.substr(0, max_bytes)) + "…";
}

json failed_row_json(const FailedRow& row) {
    json location = json::object();
    if (!row.source.empty()) {
        location["source"] = row.source;
    }
    if (row.location.line > 0) {
        location["line"] = row.location.line;
    }
    if (row.location.record > 0) {
        location["record"] = row.location.record;
    }
    if (row.location.page > 0) {
        location["page"] = row.location.page;
    }
    json j = {{"id", row.id},
              {"run_id", row.run_id},
              {"stage", row.stage},
              {"field", row.field},
              {"error", shorten(row.error, kMaxReportedTextBytes)},
              {"value", shorten(row.value, kMaxReportedTextBytes)},
              {"location", std::move(location)},
              {"raw", shorten(row.raw, kMaxReportedRawBytes)},
              {"created_at_us", row.created_at}};
    if (row.raw.size() > kMaxReportedRawBytes) {
        j["raw_truncated"] = true;
    }
    return j;
}

}  // namespace

std::string dump_message(const nlohmann::json& message) {
    return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string hello_message(const HelloInfo& hello) {
    return dump_message({{"type", "hello"},
                         {"protocols", {kProtocolVersion}},
                         {"agent_id", hello.agent_id},
                         {"agent_version", hello.agent_version},
                         {"host", hello.host},
                         {"os", hello.os},
                         {"streams", hello.streams}});
}

std::string command_result_message(const CommandResult& result) {
    json j = {{"type", "command_result"},
              {"id", result.id},
              {"ok", result.ok},
              {"message", shorten(result.message, kMaxReportedTextBytes)}};
    j["run_id"] = result.run_id.empty() ? json() : json(result.run_id);
    return dump_message(j);
}

std::string heartbeat_message(const nlohmann::json& status) {
    return dump_message({{"type", "heartbeat"}, {"status", status}});
}

std::string run_report_message(const RunRecord& run) {
    json j = to_json(run);
    j["type"] = "run_report";
    // ISO 8601 beside the microsecond fields: what the relay stores and shows.
    j["started_at"] = Timestamp{run.started_at}.to_iso();
    j["finished_at"] = run.finished_at > 0 ? json(Timestamp{run.finished_at}.to_iso()) : json();
    std::string text = dump_message(j);
    if (text.size() > kMaxTextBytes) {
        j["error"] = shorten(run.error, kMaxReportedTextBytes);
        j["note"] = shorten(run.note, kMaxReportedTextBytes);
        text = dump_message(j);
    }
    return text;
}

std::vector<std::string> failed_rows_messages(const std::vector<FailedRow>& rows) {
    std::vector<std::string> out;
    // Room for {"type":"failed_rows","entity":"...","rows":[...]} around the rows.
    constexpr std::size_t kEnvelope = 256;
    std::string entity;
    std::string body;
    std::size_t count = 0;
    auto flush = [&] {
        if (count == 0) {
            return;
        }
        std::string head = dump_message({{"type", "failed_rows"}, {"entity", entity}});
        head.pop_back();  // reopen the object to append the rows array
        out.push_back(head + ",\"rows\":[" + body + "]}");
        body.clear();
        count = 0;
    };
    for (const auto& row : rows) {
        std::string item = dump_message(failed_row_json(row));
        if (row.entity != entity || count == kMaxFailedRowsPerMessage ||
            body.size() + item.size() + entity.size() + kEnvelope > kMaxTextBytes) {
            flush();
            entity = row.entity;
        }
        if (count > 0) {
            body += ',';
        }
        body += item;
        ++count;
    }
    flush();
    return out;
}

}  // namespace cs::agent::ship
