#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "relay/apply/engine.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"
#include "tests/relay/support/source_model.hpp"

namespace cs::relay::apply {

// A migrated database with one site and an Applier on its own connection.
class ApplyFixture : public ::testing::Test {
protected:
    void SetUp() override {
        CS_REQUIRE_PG();
        db_ = std::make_unique<testing::PgTestDatabase>();
        key_ = db_->create_site("site");
        site_ = db_->site_ref(key_);
        conn_ = db_->connect();
        applier_ = std::make_unique<Applier>(*conn_);
    }

    ApplyOutcome apply(const std::string& frame) {
        auto prepared = prepare(frame, {}, site_);
        if (!prepared) {
            ADD_FAILURE() << "prepare: " << prepared.error().message;
            return {};
        }
        auto outcome = applier_->apply(site_, *prepared);
        if (!outcome) {
            ADD_FAILURE() << "apply: " << outcome.error().message;
            return {};
        }
        return *outcome;
    }

    // Applies every frame; fails the test unless each is applied.
    void apply_all(const std::vector<std::string>& frames) {
        for (const auto& f : frames) {
            auto o = apply(f);
            ASSERT_EQ(o.verdict, Verdict::applied) << o.error;
        }
    }

    std::string scalar(const std::string& sql) { return testing::scalar(*conn_, sql); }

    std::unique_ptr<testing::PgTestDatabase> db_;
    sites::IssuedKey key_;
    SiteRef site_;
    std::unique_ptr<db::Connection> conn_;
    std::unique_ptr<Applier> applier_;
    std::string stream_ = "0190f5e2-7a41-7c3e-8b5d-2f1e3c4d5a6b";
};

}  // namespace cs::relay::apply
