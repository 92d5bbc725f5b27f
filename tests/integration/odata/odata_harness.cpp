#include "tests/integration/odata/odata_harness.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace cs::agent::testing {

nlohmann::json admin(const std::string& origin, const std::string& method, const std::string& path,
                     const nlohmann::json& body) {
    p21sim::testing::Call call;
    call.method = method;
    call.url = origin + path;
    if (!body.is_null()) {
        call.body = body.dump();
        call.headers.push_back("Content-Type: application/json");
    }
    auto reply = p21sim::testing::http(call);
    EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
    return nlohmann::json::parse(reply.body, nullptr, false);
}

AgentConfig load_config(const std::filesystem::path& dir, const nlohmann::json& config) {
    auto path = dir / "agent.json";
    std::ofstream(path) << config.dump(2);
    auto loaded = load_agent_config(path, nullptr);
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
    return loaded ? std::move(*loaded) : AgentConfig{};
}

nlohmann::json agent_json(const std::filesystem::path& state_dir, nlohmann::json source,
                          nlohmann::json entities) {
    return {{"agent", {{"state_dir", state_dir.string()}}},
            {"relay",
             {{"url", "wss://relay.example.com/v1/agent"},
              {"site_key", {{"env", "CS_ODATA_TEST_SITE_KEY"}}}}},
            {"sources", {{"p21", std::move(source)}}},
            {"entities", std::move(entities)}};
}

nlohmann::json p21_source(const std::string& origin) {
    return {{"type", "p21"},
            {"base_url", origin},
            {"username", "p21sim"},
            {"password", {{"env", "CS_ODATA_TEST_PASSWORD"}}},
            {"time_zone", "America/Chicago"},
            {"page_size", 250},
            {"backoff", "20ms"},
            {"backoff_max", "200ms"},
            {"timeout", "5s"}};
}

namespace {

nlohmann::json field(const std::string& name, const std::string& type = "string") {
    return {{"name", name}, {"type", type}};
}

nlohmann::json active_field() {
    return {{"name", "active"},
            {"from", "delete_flag"},
            {"type", "boolean"},
            {"map", {{"N", "true"}, {"Y", "false"}}}};
}

nlohmann::json dates() {
    return {{"dates", {{"timezone", "America/Chicago"}}}};
}

}  // namespace

nlohmann::json inv_mast_entity() {
    return {{"name", "inv_mast"},
            {"source", "p21"},
            {"odata", {{"table", "inv_mast"}, {"key_sweep", "0s"}}},
            {"key", {"inv_mast_uid"}},
            {"normalize", dates()},
            {"fields",
             {field("inv_mast_uid", "integer"), field("item_id"), field("item_desc"),
              field("list_price", "decimal"), active_field(),
              field("date_last_modified", "timestamp")}}};
}

nlohmann::json item_uom_entity() {
    return {{"name", "item_uom"},
            {"source", "p21"},
            {"odata", {{"table", "item_uom"}, {"key_sweep", "0s"}}},
            {"key", {"item_uom_uid"}},
            {"parent", {{"entity", "inv_mast"}, {"key", {{"inv_mast_uid", "inv_mast_uid"}}}}},
            {"normalize", dates()},
            {"fields",
             {field("item_uom_uid", "integer"), field("inv_mast_uid", "integer"),
              field("unit_of_measure"), field("unit_size", "decimal"), active_field(),
              field("date_last_modified", "timestamp")}}};
}

nlohmann::json supplier_entity() {
    return {{"name", "supplier"},
            {"source", "p21"},
            {"odata", {{"table", "supplier"}, {"key_sweep", "0s"}}},
            {"key", {"supplier_id"}},
            {"normalize", dates()},
            {"fields",
             {field("supplier_id", "integer"), field("supplier_name"), active_field(),
              field("date_last_modified", "timestamp")}}};
}

std::vector<std::pair<Hash128, Hash128>> state_of(StateDb& store, const std::string& entity) {
    std::vector<std::pair<Hash128, Hash128>> rows;
    auto record = store.entity(entity);
    EXPECT_TRUE(record);
    auto scan = store.db().prepare(
        fmt::format("SELECT bk, data_hash FROM {}", StateDb::state_table(record->entity_id)));
    EXPECT_TRUE(scan);
    while (true) {
        auto step = scan->step();
        if (!step || !*step) {
            break;
        }
        std::pair<Hash128, Hash128> row;
        std::memcpy(row.first.bytes.data(), scan->column_blob(0).data(), 16);
        std::memcpy(row.second.bytes.data(), scan->column_blob(1).data(), 16);
        rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

}  // namespace cs::agent::testing
