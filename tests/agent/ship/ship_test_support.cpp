#include "tests/agent/ship/ship_test_support.hpp"

#include <thread>

#include "agent/outbox/outbox.hpp"
#include "common/wire/codec.hpp"

namespace cs::agent::ship::testing {

std::string make_frame(const std::string& stream_id, std::uint64_t sequence,
                       const std::string& entity, std::size_t padding) {
    wire::ChangeSet set;
    set.stream_id = stream_id;
    set.sequence = sequence;
    set.entity = entity;
    set.run_id = "run-test";
    set.created_at_us = 1'700'000'000'000'000;
    set.schema = {{"name", FieldType::string}};
    wire::Row row;
    row.op = wire::Op::insert;
    row.bk_hash = xxh3_128(std::to_string(sequence));
    row.data_hash = xxh3_128(entity);
    row.values = {Value(std::string(padding, 'p'))};
    set.rows = {row};
    // Uncompressed, so `padding` really sets the frame's size.
    return wire::encode(set, {.compress = false}).value();
}

std::uint64_t fill_outbox(StateDb& store, std::size_t count, const std::string& entity,
                          std::size_t padding) {
    std::uint64_t first = 0;
    Outbox outbox(store.db());
    for (std::size_t i = 0; i < count; ++i) {
        auto tx = sqlite::Transaction::begin(store.db()).value();
        auto sequence = store.allocate_sequence().value();
        if (first == 0) {
            first = sequence;
        }
        OutboxEntry entry{sequence,   entity,
                          "run-test", now_micros(),
                          1,          make_frame(store.stream_id(), sequence, entity, padding)};
        EXPECT_TRUE(outbox.append(entry));
        EXPECT_TRUE(tx.commit());
    }
    return first;
}

std::int64_t outbox_depth(StateDb& store) {
    return Outbox(store.db()).stats().value().depth;
}

UplinkOptions test_options(const std::filesystem::path& state_db, std::uint16_t port, bool tls) {
    UplinkOptions o;
    o.url = (tls ? "wss://127.0.0.1:" : "ws://127.0.0.1:") + std::to_string(port) + "/v1/agent";
    o.site_key = kSiteKey;
    o.ca_file = tls_file("ca.pem");
    o.proxy = "direct";
    o.env = [](std::string_view) { return std::optional<std::string>(); };
    o.state_db = state_db;
    o.agent_version = "9.9.9-test";
    o.host = "test-host";
    o.os = "TestOS 1.0";
    o.retry.backoff = {std::chrono::milliseconds(20), std::chrono::milliseconds(200)};
    o.retry.operator_wait = std::chrono::milliseconds(1500);
    o.retry.replaced_wait = std::chrono::milliseconds(300);
    o.connect_timeout = std::chrono::seconds(5);
    o.handshake_timeout = std::chrono::seconds(5);
    o.close_timeout = std::chrono::seconds(2);
    o.outbox_poll = std::chrono::milliseconds(50);
    return o;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

}  // namespace cs::agent::ship::testing
