// Exception workflow, list filters, cursor pagination and CSV export.
#include <gtest/gtest.h>

#include "common/uuid/uuid.hpp"
#include "relay/recon/recon.hpp"
#include "tests/relay/recon/recon_fixture.hpp"

namespace cs::relay::recon::testing {
namespace {

class WorkflowTest : public ReconFixture {
protected:
    void seed() override {
        p21_.supplier(10, "Acme");
        for (int i = 1; i <= 30; ++i) {
            p21_.item(i, fmt::format("ITEM-{}", i), "Widget");
            p21_.supplier_item(i, i, 10, fmt::format("W-{}", i), "10.00");
        }
        sync_p21();
        // 30 price mismatches (10 of them high), 5 missing mappings, 2 vendors.
        std::string csv = "Vendor,Contract,Item,UOM,Price\n";
        for (int i = 1; i <= 30; ++i) {
            csv += fmt::format("acme,C1,W-{},EA,{}\n", i, i <= 10 ? "20.00" : "10.50");
        }
        for (int i = 1; i <= 5; ++i) {
            csv += fmt::format("zeta,Z1,Z-{},EA,1.00\n", i);
        }
        upload("c.csv", csv);
        run_on("2026-03-01");
        user_ = uuid_v7().to_string();
        ASSERT_TRUE(conn_->query("user", R"sql(
            INSERT INTO users (user_id, tenant_id, email, role, password_hash)
            VALUES ($1::uuid, $2::uuid, 'buyer@example.com', 'analyst', 'x'))sql",
                                 db::Params().text(user_).text(tenant_)));
    }

    ExceptionView one(const std::string& vendor_item) {
        return find(vendor_item.starts_with("Z") ? "MISSING_MAPPING" : "PRICE_MISMATCH",
                    vendor_item);
    }

    std::string user_;
};

TEST_F(WorkflowTest, ActionsMoveThroughTheStatesAndRecordEvents) {
    auto e = one("W-1");
    Actor buyer{user_};
    auto assigned = act_on_exception(*conn_, tenant_, e.exception_id, buyer,
                                     {ActionKind::assign, "", user_, std::nullopt});
    ASSERT_TRUE(assigned) << assigned.error().message;
    EXPECT_EQ(assigned->action, "recon.exception.assign");
    EXPECT_TRUE(assigned->before["assignee"].is_null());
    EXPECT_EQ(assigned->after["assignee"], user_);

    auto commented =
        act_on_exception(*conn_, tenant_, e.exception_id, buyer,
                         {ActionKind::comment, "asked Acme", std::nullopt, std::nullopt});
    ASSERT_TRUE(commented);
    EXPECT_EQ(commented->after["comment"], "asked Acme");

    auto resolved =
        act_on_exception(*conn_, tenant_, e.exception_id, buyer,
                         {ActionKind::resolve, "P21 updated", std::nullopt, std::nullopt});
    ASSERT_TRUE(resolved);
    EXPECT_EQ(resolved->before["status"], "open");
    EXPECT_EQ(resolved->after["status"], "resolved");
    EXPECT_EQ(resolved->after["resolution"], "P21 updated");
    auto again = act_on_exception(*conn_, tenant_, e.exception_id, buyer,
                                  {ActionKind::resolve, "twice", std::nullopt, std::nullopt});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::conflict);
    EXPECT_EQ(again.error().message, "exception " + e.exception_id +
                                         " is resolved; only open or overridden exceptions can be "
                                         "resolved");

    auto reopened = act_on_exception(*conn_, tenant_, e.exception_id, buyer,
                                     {ActionKind::reopen, "", std::nullopt, std::nullopt});
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->after["status"], "open");
    EXPECT_TRUE(reopened->after["resolution"].is_null());

    auto events = exception_events(*conn_, tenant_, e.exception_id).value();
    std::vector<std::string> kinds;
    for (const auto& ev : events) {
        kinds.push_back(ev.kind);
    }
    EXPECT_EQ(kinds, (std::vector<std::string>{"opened", "assigned", "comment", "resolved",
                                               "manual_reopen"}));
    EXPECT_EQ(events[1].actor_id, user_);
    EXPECT_TRUE(events[0].actor_id.empty());

    // A manual resolution holds through the next run while the numbers are the same.
    ASSERT_TRUE(act_on_exception(*conn_, tenant_, e.exception_id, buyer,
                                 {ActionKind::resolve, "looks fine", std::nullopt, std::nullopt}));
    EXPECT_EQ(run_on("2026-03-02").reopened, 0);
    EXPECT_EQ(get_exception(*conn_, tenant_, e.exception_id)->status, "resolved");
}

TEST_F(WorkflowTest, BadActionsAreRefusedWithTheirReason) {
    auto e = one("W-2");
    auto expect_refused = [&](const ExceptionAction& a, ErrorCode code, std::string_view part) {
        auto r = act_on_exception(*conn_, tenant_, e.exception_id, Actor{}, a);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, code);
        EXPECT_NE(r.error().message.find(part), std::string::npos) << r.error().message;
    };
    expect_refused({ActionKind::resolve, "  ", std::nullopt, std::nullopt},
                   ErrorCode::invalid_argument, "a reason is required");
    expect_refused(
        {ActionKind::comment, std::string(kMaxCommentBytes + 1, 'x'), std::nullopt, std::nullopt},
        ErrorCode::invalid_argument, "longer than 4000 bytes");
    expect_refused({ActionKind::override_variance, "ok", std::nullopt, date("2000-01-01")},
                   ErrorCode::invalid_argument, "is in the past");
    expect_refused({ActionKind::override_variance, "ok", std::nullopt, std::nullopt},
                   ErrorCode::invalid_argument, "'until'");
    expect_refused({ActionKind::assign, "", uuid_v7().to_string(), std::nullopt},
                   ErrorCode::invalid_argument, "is not an active user of this tenant");
    expect_refused({ActionKind::reopen, "", std::nullopt, std::nullopt}, ErrorCode::conflict,
                   "only resolved or overridden exceptions can be reopened");
    auto missing = act_on_exception(*conn_, tenant_, uuid_v7().to_string(), Actor{},
                                    {ActionKind::comment, "x", std::nullopt, std::nullopt});
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_EQ(act_on_exception(*conn_, tenant_, "nope", Actor{},
                               {ActionKind::comment, "x", std::nullopt, std::nullopt})
                  .error()
                  .code,
              ErrorCode::invalid_argument);
    EXPECT_EQ(exception_events(*conn_, tenant_, e.exception_id)->size(), 1u) << "nothing recorded";
}

TEST_F(WorkflowTest, BulkActionsAreAllOrNothing) {
    std::vector<std::string> ids = {one("W-3").exception_id, one("W-4").exception_id};
    auto done = act_on_exceptions(*conn_, tenant_, ids, Actor{},
                                  {ActionKind::resolve, "batch", std::nullopt, std::nullopt});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->size(), 2u);
    ids.push_back(one("W-5").exception_id);
    auto partial = act_on_exceptions(*conn_, tenant_, ids, Actor{},
                                     {ActionKind::resolve, "batch", std::nullopt, std::nullopt});
    ASSERT_FALSE(partial) << "two of them are resolved already";
    EXPECT_EQ(one("W-5").status, "open") << "nothing of a failed batch is kept";
}

TEST_F(WorkflowTest, BulkActionsByFilterTakeEveryMatchingException) {
    ExceptionFilter prices{.status = ExceptionStatus::open, .rule = Rule::price_mismatch};
    prices.limit = 7;  // the list shows them on five pages; the action takes them all
    ExceptionAction accept{ActionKind::override_variance, "quarterly credit", std::nullopt,
                           date("2099-12-31")};
    auto done = act_on_matching(*conn_, tenant_, prices, 30, Actor{user_}, accept);
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(done->size(), 30u);
    EXPECT_EQ(done->front().action, "recon.exception.override");
    EXPECT_EQ(done->front().before["status"], "open");
    EXPECT_EQ(done->front().after["status"], "overridden");
    EXPECT_EQ(done->front().after["override_until"], "2099-12-31");
    auto overridden = exceptions("overridden");
    EXPECT_EQ(overridden.size(), 30u);
    for (const auto& e : overridden) {
        EXPECT_EQ(e.override_reason, "quarterly credit");
        EXPECT_EQ(e.overridden_by, user_);
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_exception_events WHERE kind = 'overridden' AND "
                     "details->>'until' = '2099-12-31' AND details ? 'details'"),
              "30");

    // Assign by filter, then the assignee filter finds them.
    ExceptionFilter zeta{.vendor_id = "zeta"};
    auto assigned = act_on_matching(*conn_, tenant_, zeta, std::nullopt, Actor{},
                                    {ActionKind::assign, "", user_, std::nullopt});
    ASSERT_TRUE(assigned) << assigned.error().message;
    EXPECT_EQ(assigned->size(), 5u);
    EXPECT_EQ(count_exceptions(*conn_, tenant_, {.assignee = user_}).value(), 5);
    EXPECT_EQ(scalar("SELECT count(*) FROM recon_exception_events WHERE kind = 'assigned' AND "
                     "details->>'to' = '" +
                     user_ + "' AND details->'from' = 'null'"),
              "5");
}

TEST_F(WorkflowTest, BulkActionsByFilterRefuseTooManyAChangedListOrNone) {
    auto events = [&] { return scalar("SELECT count(*) FROM recon_exception_events"); };
    auto before = events();
    ExceptionAction resolve{ActionKind::resolve, "batch", std::nullopt, std::nullopt};

    auto many = act_on_matching(*conn_, tenant_, {}, std::nullopt, Actor{}, resolve, 20);
    ASSERT_FALSE(many);
    EXPECT_EQ(many.error().code, ErrorCode::limit_exceeded);
    EXPECT_EQ(many.error().message,
              "the filter matches 35 exceptions; one bulk action takes at most 20: narrow the "
              "filter (status, rule, severity, vendor or assignee)");

    auto changed = act_on_matching(*conn_, tenant_, {.vendor_id = "ZETA"}, 6, Actor{}, resolve);
    ASSERT_FALSE(changed);
    EXPECT_EQ(changed.error().code, ErrorCode::conflict);
    EXPECT_NE(changed.error().message.find("matches 5 exceptions now, not the 6 expected"),
              std::string::npos)
        << changed.error().message;

    auto none =
        act_on_matching(*conn_, tenant_, {.vendor_id = "nobody"}, std::nullopt, Actor{}, resolve);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message, "the filter matches no exceptions");
    EXPECT_EQ(events(), before) << "nothing recorded";
    EXPECT_EQ(exceptions("open").size(), 35u) << "nothing changed";

    // One resolved exception among the matches: all or nothing.
    ASSERT_TRUE(act_on_exception(*conn_, tenant_, one("Z-1").exception_id, Actor{}, resolve));
    before = events();
    auto mixed =
        act_on_matching(*conn_, tenant_, {.vendor_id = "ZETA"}, std::nullopt, Actor{}, resolve);
    ASSERT_FALSE(mixed);
    EXPECT_EQ(mixed.error().code, ErrorCode::conflict);
    EXPECT_NE(mixed.error().message.find("only open or overridden exceptions can be resolved"),
              std::string::npos)
        << mixed.error().message;
    EXPECT_EQ(events(), before) << "nothing recorded";
    EXPECT_EQ(exceptions("open").size(), 34u) << "nothing changed";
}

TEST_F(WorkflowTest, ActionsParseFromJson) {
    auto a = action_from_json(
        nlohmann::json{{"action", "override"}, {"reason", "credit"}, {"until", "2030-01-31"}});
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->kind, ActionKind::override_variance);
    EXPECT_EQ(a->text, "credit");
    EXPECT_EQ(a->until->to_iso(), "2030-01-31");
    auto unassign = action_from_json(nlohmann::json{{"action", "assign"}, {"assignee", nullptr}});
    ASSERT_TRUE(unassign);
    EXPECT_FALSE(unassign->assignee.has_value());
    EXPECT_EQ(action_from_json(nlohmann::json{{"action", "delete"}}).error().message,
              "action: unknown 'delete' (expected comment, assign, resolve, override or reopen)");
    EXPECT_FALSE(action_from_json(nlohmann::json{{"action", "assign"}}));
    EXPECT_FALSE(action_from_json(nlohmann::json{{"action", "resolve"}, {"until", "2030-01-01"}}));
}

TEST_F(WorkflowTest, ListsFilterAndPageWithoutGapsOrRepeats) {
    ASSERT_TRUE(act_on_exception(*conn_, tenant_, one("W-11").exception_id, Actor{},
                                 {ActionKind::assign, "", user_, std::nullopt}));
    ASSERT_TRUE(act_on_exception(*conn_, tenant_, one("W-12").exception_id, Actor{},
                                 {ActionKind::resolve, "done", std::nullopt, std::nullopt}));
    auto count = [&](ExceptionFilter f) {
        std::size_t n = 0;
        std::set<std::string> seen;
        f.limit = 7;
        int pages = 0;
        while (true) {
            auto page = list_exceptions(*conn_, tenant_, f);
            EXPECT_TRUE(page) << page.error().message;
            if (!page) {
                return n;
            }
            ++pages;
            EXPECT_LE(page->items.size(), 7u);
            for (const auto& e : page->items) {
                EXPECT_TRUE(seen.insert(e.exception_id).second) << "repeated " << e.exception_id;
                ++n;
            }
            if (page->next_cursor.empty()) {
                break;
            }
            f.cursor = page->next_cursor;
        }
        EXPECT_EQ(pages, static_cast<int>((n + 6) / 7 == 0 ? 1 : (n + 6) / 7));
        return n;
    };
    EXPECT_EQ(count({}), 35u);
    EXPECT_EQ(count({.status = ExceptionStatus::open}), 34u);
    EXPECT_EQ(count({.status = ExceptionStatus::resolved}), 1u);
    EXPECT_EQ(count({.rule = Rule::missing_mapping}), 5u);
    EXPECT_EQ(count({.severity = Severity::high}), 10u);
    EXPECT_EQ(count({.vendor_id = "zeta"}), 5u);
    EXPECT_EQ(count({.assignee = user_}), 1u);
    EXPECT_EQ(count({.assignee = "none"}), 34u);
    EXPECT_EQ(count({.rule = Rule::price_mismatch, .severity = Severity::medium}), 20u);
    EXPECT_EQ(count({.order = ExceptionOrder::severity}), 35u);

    ExceptionFilter by_severity{.order = ExceptionOrder::severity};
    by_severity.limit = 12;
    auto first = list_exceptions(*conn_, tenant_, by_severity).value();
    for (std::size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(first.items[i].severity, "high");
    }
    EXPECT_EQ(first.items[10].severity, "medium");
    auto newest = list_exceptions(*conn_, tenant_, {}).value();
    for (std::size_t i = 1; i < newest.items.size(); ++i) {
        EXPECT_GT(newest.items[i - 1].number, newest.items[i].number);
    }
    EXPECT_FALSE(list_exceptions(*conn_, tenant_, {.cursor = "x.y"}));
    EXPECT_FALSE(list_exceptions(*conn_, tenant_, {.assignee = "someone"}));
}

TEST_F(WorkflowTest, CsvExportHasEveryFilteredRowQuoted) {
    std::string csv;
    auto sink = [&](std::string_view chunk) {
        csv += chunk;
        return ok();
    };
    ExceptionFilter zeta{.vendor_id = "ZETA"};
    ASSERT_TRUE(act_on_exception(
        *conn_, tenant_, one("Z-1").exception_id, Actor{},
        {ActionKind::resolve, "=HYPERLINK(\"x\"), \"quoted\"", std::nullopt, std::nullopt}));
    ASSERT_TRUE(export_exceptions_csv(*conn_, tenant_, zeta, sink));
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < csv.size();) {
        auto end = csv.find("\r\n", start);
        lines.push_back(csv.substr(start, end - start));
        start = end + 2;
    }
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_TRUE(lines[0].starts_with("number,exception_id,rule,severity,status,vendor_id"));
    for (std::size_t i = 1; i < lines.size(); ++i) {
        EXPECT_NE(lines[i].find(",MISSING_MAPPING,medium,"), std::string::npos) << lines[i];
    }
    EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"x\"\"), \"\"quoted\"\"\""), std::string::npos)
        << "formula defused and quotes doubled: " << csv;

    std::string all;
    auto big = export_exceptions_csv(
        *conn_, tenant_, {},
        [&](std::string_view c) {
            all += c;
            return ok();
        },
        20);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().code, ErrorCode::limit_exceeded);
}

}  // namespace
}  // namespace cs::relay::recon::testing
