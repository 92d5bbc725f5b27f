#include "agent/ship/agent_status.hpp"

#include <nlohmann/json.hpp>

#include "agent/outbox/outbox.hpp"
#include "agent/ship/messages.hpp"
#include "agent/track/run_record.hpp"
#include "agent/validate/failed_row.hpp"

namespace cs::agent::ship {
namespace {

using nlohmann::json;

}  // namespace

json connection_json(const UplinkStatus& link) {
    json c = {{"state", std::string(to_string(link.state))},
              {"sessions", link.sessions},
              {"consecutive_failures", link.consecutive_failures},
              {"sent", link.sent},
              {"applied", link.applied},
              {"duplicates", link.duplicates},
              {"rejected", link.rejected}};
    c["connected_at_us"] = link.connected_at_us > 0 ? json(link.connected_at_us) : json();
    c["last_failure"] =
        link.failure == LinkFailure::none ? json() : json(std::string(to_string(link.failure)));
    c["last_error"] = link.reason.empty() ? json() : json(link.reason);
    c["blocked"] = link.blocked.empty() ? json() : json(link.blocked);
    return c;
}

Expected<nlohmann::json> agent_status_json(StateDb& store, const AgentIdentity& agent,
                                           std::int64_t uptime_seconds, const UplinkStatus& link) {
    auto outbox = Outbox(store.db()).stats();
    auto runs = RunStore(store.db()).latest_per_entity();
    auto failed = FailedRowStore(store.db()).counts();
    if (!outbox || !runs || !failed) {
        return !outbox ? outbox.error() : !runs ? runs.error() : failed.error();
    }
    json status = {{"agent_version", agent.version},
                   {"host", agent.host},
                   {"os", agent.os},
                   {"uptime_seconds", uptime_seconds}};
    json box = {{"depth", outbox->depth},
                {"bytes", outbox->bytes},
                {"rows", outbox->rows},
                {"quarantined", outbox->quarantined}};
    box["oldest_age_seconds"] =
        outbox->oldest_created_at ? json(std::max<std::int64_t>(
                                        0, (now_micros() - *outbox->oldest_created_at) / 1'000'000))
                                  : json();
    status["outbox"] = std::move(box);
    status["last_runs"] = json::array();
    for (const auto& run : *runs) {
        json r = to_json(run);
        // A heartbeat stays small however long a run's error was; the full text
        // travels in the run report.
        for (const char* key : {"error", "note"}) {
            auto& text = r[key];
            if (text.is_string() &&
                text.get_ref<const std::string&>().size() > kMaxReportedTextBytes) {
                text = text.get<std::string>().substr(0, kMaxReportedTextBytes) + "…";
            }
        }
        status["last_runs"].push_back(std::move(r));
    }
    status["failed_rows"] = json::object();
    for (const auto& [entity, count] : *failed) {
        status["failed_rows"][entity] = count;
    }
    status["connection"] = connection_json(link);
    return status;
}

}  // namespace cs::agent::ship
