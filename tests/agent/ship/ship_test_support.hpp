#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "agent/ship/uplink.hpp"
#include "agent/store/state_db.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent::ship::testing {

// A syntactically valid site key (the relay in these tests accepts any).
inline const std::string kSiteKey = "cs_site_" + std::string(43, 'A');

inline std::string tls_file(const std::string& name) {
    return std::string(CS_TEST_DATA_DIR) + "/tls/agent/" + name;
}

// A real change set frame (the fake relay decodes it to learn the sequence),
// padded with a string of `padding` bytes.
std::string make_frame(const std::string& stream_id, std::uint64_t sequence,
                       const std::string& entity, std::size_t padding = 16);

// Commits `count` change sets through the store's own sequence counter, as the
// pipeline does. Returns the first sequence.
std::uint64_t fill_outbox(StateDb& store, std::size_t count, const std::string& entity = "items",
                          std::size_t padding = 16);

std::int64_t outbox_depth(StateDb& store);

// Options for an uplink to a fake relay on 127.0.0.1 with fast timings.
UplinkOptions test_options(const std::filesystem::path& state_db, std::uint16_t port,
                           bool tls = true);

// Polls `done` every 10 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace cs::agent::ship::testing
