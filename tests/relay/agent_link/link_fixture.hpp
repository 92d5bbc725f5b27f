#pragma once

#include <map>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "relay/cli/relay_service.hpp"
#include "tests/common/net/http_get.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"
#include "tests/relay/support/source_model.hpp"
#include "tests/relay/support/test_agent.hpp"
#include "tests/relay/support/uplink.hpp"

namespace cs::relay::agent_link {

// An in-process relay on a fresh database with two sites, A and B.
class LinkFixture : public ::testing::Test {
protected:
    void SetUp() override {
        CS_REQUIRE_PG();
        db_ = std::make_unique<testing::PgTestDatabase>();
        dir_ = std::make_unique<testing::TempDir>();
        a_ = db_->create_site("site-a");
        b_ = db_->create_site("site-b");
        config_ = db_->relay_config(dir_->path());
        configure(config_);
        auto service = cli::RelayService::start(config_);
        ASSERT_TRUE(service) << service.error().message;
        relay_ = std::move(*service);
        conn_ = db_->connect();
    }
    void TearDown() override {
        if (relay_) {
            relay_->stop();
        }
    }
    // Tests adjust the relay's configuration here.
    virtual void configure(RelayConfig&) {}

    int port() const { return relay_->port(); }
    // GET /metrics from the metrics listener (never the public port).
    std::string scrape() const {
        return net::testing::http_get(static_cast<std::uint16_t>(relay_->metrics_port()));
    }

    // Frames for `rows` item rows (version `version`), `per_set` rows each.
    std::map<std::uint64_t, std::string> frames(testing::SourceModel& source,
                                                const std::string& stream, std::uint64_t& next,
                                                std::uint64_t first, std::uint64_t rows,
                                                std::uint64_t version, std::size_t per_set) {
        for (std::uint64_t i = first; i < first + rows; ++i) {
            source.put(testing::item_row(i, version));
        }
        std::map<std::uint64_t, std::string> out;
        auto seq = next;
        for (auto& f : source.take_frames(stream, next, per_set)) {
            out[seq++] = std::move(f);
        }
        return out;
    }

    std::string scalar(const std::string& sql) { return testing::scalar(*conn_, sql); }

    // Polls until `sql` returns `expected` (state written asynchronously).
    bool eventually(const std::string& sql, const std::string& expected,
                    std::chrono::seconds timeout = std::chrono::seconds(10)) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (scalar(sql) == expected) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

    std::unique_ptr<testing::PgTestDatabase> db_;
    std::unique_ptr<testing::TempDir> dir_;
    sites::IssuedKey a_;
    sites::IssuedKey b_;
    RelayConfig config_;
    std::unique_ptr<cli::RelayService> relay_;
    std::unique_ptr<db::Connection> conn_;
    const std::string stream_a_ = "0190f5e2-7a41-7c3e-8b5d-00000000000a";
    const std::string stream_b_ = "0190f5e2-7a41-7c3e-8b5d-00000000000b";
};

}  // namespace cs::relay::agent_link
