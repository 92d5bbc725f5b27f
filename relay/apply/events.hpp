#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/base/expected.hpp"
#include "relay/db/connection.hpp"

namespace cs::relay::apply {

// A row in relay_events: alerts (conflicts, rejections) and notable facts
// (sequence gaps) that the portal shows per site.
struct Event {
    std::string tenant_id;
    std::string site_id;
    std::string kind;      // conflict, rejected, sequence_gap, out_of_order, quota
    std::string severity;  // info, warning, alert
    std::optional<std::string> stream_id;
    std::optional<std::uint64_t> sequence;
    std::string message;
    std::string details_json = "{}";
};

Status record_event(db::Connection& conn, const Event& event);

}  // namespace cs::relay::apply
