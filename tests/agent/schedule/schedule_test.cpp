#include <cstdio>

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include "agent/schedule/scheduler.hpp"

namespace cs::agent::schedule {
namespace {

using namespace std::chrono_literals;

// A UTC instant from "YYYY-MM-DD HH:MM" UTC.
TimePoint utc(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    EXPECT_EQ(std::sscanf(text.c_str(), "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi), 5) << text;
    auto day = date::sys_days(date::year(y) / mo / d);
    return TimePoint(day.time_since_epoch() + std::chrono::hours(h) + std::chrono::minutes(mi));
}

DailyWindow chicago(std::chrono::minutes start, std::chrono::minutes end) {
    return {start, end, date::locate_zone("America/Chicago")};
}

TEST(DailyWindow, CrossesMidnightInLocalTime) {
    auto w = chicago(19h, 7h);                         // CDT = UTC-5 in July
    EXPECT_FALSE(w.is_open(utc("2025-07-10 23:59")));  // 18:59 local
    EXPECT_TRUE(w.is_open(utc("2025-07-11 00:00")));   // 19:00 local
    EXPECT_TRUE(w.is_open(utc("2025-07-11 05:00")));   // 00:00 local
    EXPECT_TRUE(w.is_open(utc("2025-07-11 11:59")));   // 06:59 local
    EXPECT_FALSE(w.is_open(utc("2025-07-11 12:00")));  // 07:00 local: the end is excluded
    EXPECT_EQ(w.next_open(utc("2025-07-11 15:00")), utc("2025-07-12 00:00"));
    EXPECT_EQ(w.next_close(utc("2025-07-11 03:00")), utc("2025-07-11 12:00"));
    EXPECT_EQ(w.next_open(utc("2025-07-11 03:00")), utc("2025-07-11 03:00")) << "open: now";
}

TEST(DailyWindow, SameDayWindow) {
    DailyWindow w{9h, 17h, date::locate_zone("UTC")};
    EXPECT_TRUE(w.is_open(utc("2025-01-01 09:00")));
    EXPECT_FALSE(w.is_open(utc("2025-01-01 17:00")));
    EXPECT_EQ(w.next_open(utc("2025-01-01 18:00")), utc("2025-01-02 09:00"));
    EXPECT_EQ(w.next_close(utc("2025-01-01 08:00")), utc("2025-01-01 17:00"));
}

TEST(DailyWindow, SpringForwardNightIsOneHourShorter) {
    // 2025-03-09: Chicago jumps from 02:00 CST to 03:00 CDT.
    auto w = chicago(19h, 7h);
    TimePoint opens = w.next_open(utc("2025-03-08 18:00"));   // 12:00 CST
    EXPECT_EQ(opens, utc("2025-03-09 01:00"));                // 19:00 CST (UTC-6)
    EXPECT_EQ(w.next_close(opens), utc("2025-03-09 12:00"));  // 07:00 CDT (UTC-5)
    EXPECT_EQ(w.next_close(opens) - opens, 11h);
}

TEST(DailyWindow, FallBackNightIsOneHourLonger) {
    // 2025-11-02: Chicago falls back from 02:00 CDT to 01:00 CST.
    auto w = chicago(19h, 7h);
    TimePoint opens = w.next_open(utc("2025-11-01 12:00"));
    EXPECT_EQ(opens, utc("2025-11-02 00:00"));  // 19:00 CDT
    EXPECT_EQ(w.next_close(opens) - opens, 13h);
}

TEST(DailyWindow, EdgeInsideTheGapMovesToItsEnd) {
    // 02:30 does not exist on 2025-03-09 in Chicago: the window opens at 03:00 CDT.
    auto w = chicago(2h + 30min, 5h);
    EXPECT_EQ(w.next_open(utc("2025-03-09 06:00")), utc("2025-03-09 08:00"));
    // A window that lies wholly in the gap does not open that night.
    auto gap = chicago(2h + 10min, 2h + 50min);
    EXPECT_EQ(gap.next_open(utc("2025-03-09 06:00")), utc("2025-03-10 07:10"));
}

TEST(DailyWindow, SmallHoursWindowAcrossBothChangesOf2026) {
    // 01:00-05:00 America/Chicago, the window customers give nightly P21 reads.
    auto w = chicago(1h, 5h);
    // 2026-03-08: 02:00 CST jumps to 03:00 CDT; the window lasts 3 hours.
    TimePoint spring = w.next_open(utc("2026-03-07 12:00"));
    EXPECT_EQ(spring, utc("2026-03-08 07:00"));                // 01:00 CST (UTC-6)
    EXPECT_EQ(w.next_close(spring), utc("2026-03-08 10:00"));  // 05:00 CDT (UTC-5)
    EXPECT_TRUE(w.is_open(utc("2026-03-08 08:30")));           // 03:30 CDT
    // 2026-11-01: 02:00 CDT falls back to 01:00 CST; the window opens at the
    // first 01:00 and lasts 5 hours.
    TimePoint fall = w.next_open(utc("2026-10-31 12:00"));
    EXPECT_EQ(fall, utc("2026-11-01 06:00"));                // 01:00 CDT (UTC-5)
    EXPECT_EQ(w.next_close(fall), utc("2026-11-01 11:00"));  // 05:00 CST (UTC-6)
    EXPECT_TRUE(w.is_open(utc("2026-11-01 07:30")));         // the second 01:30, CST
    EXPECT_FALSE(w.is_open(utc("2026-11-01 11:00")));
    // The Windows name of the zone is the same zone.
    DailyWindow windows{1h, 5h, *find_window_zone("Central Standard Time")};
    EXPECT_EQ(windows.next_open(utc("2026-10-31 12:00")), fall);
    EXPECT_EQ(windows.next_close(fall), utc("2026-11-01 11:00"));
}

TEST(DailyWindow, ParsesTimesOfDay) {
    EXPECT_EQ(*parse_clock_time("19:00"), 19h);
    EXPECT_EQ(*parse_clock_time("00:05"), 5min);
    EXPECT_FALSE(parse_clock_time("24:00"));
    EXPECT_FALSE(parse_clock_time("7:00"));
    EXPECT_FALSE(parse_clock_time("07:60"));
    EXPECT_FALSE(find_window_zone("Mars/Olympus"));
    EXPECT_TRUE(find_window_zone("UTC"));
}

std::vector<std::string> names(const Job& job) {
    std::vector<std::string> out;
    for (const auto& e : job.entities) {
        out.push_back(e.entity);
    }
    return out;
}

TEST(Scheduler, EachEntityHasItsOwnInterval) {
    Scheduler s({{"supplier", "p21", 60min, {}}, {"inv_mast", "p21", 15min, {}}});
    TimePoint t0 = utc("2025-07-10 12:00");
    auto first = s.next_job(t0);
    ASSERT_TRUE(first);
    EXPECT_EQ(names(*first), (std::vector<std::string>{"supplier", "inv_mast"}));
    s.started(*first, t0);
    s.finished(*first);
    EXPECT_FALSE(s.next_job(t0 + 14min));
    EXPECT_EQ(s.next_wake(t0 + 1min), t0 + 15min);
    auto second = s.next_job(t0 + 15min);
    ASSERT_TRUE(second);
    EXPECT_EQ(names(*second), std::vector<std::string>{"inv_mast"});
    EXPECT_FALSE(second->entities[0].stop_at) << "no window, nothing stops it";
}

TEST(Scheduler, OneRunPerSourceAtATime) {
    Scheduler s({{"a", "p21", 1min, {}}, {"b", "p21", 1min, {}}, {"c", "files", 1min, {}}});
    TimePoint t0 = utc("2025-07-10 12:00");
    auto p21 = s.next_job(t0);
    ASSERT_TRUE(p21);
    EXPECT_EQ(p21->source, "p21");
    s.started(*p21, t0);
    // Hours later p21's entities are due again, but its job still runs.
    auto other = s.next_job(t0 + 3h);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->source, "files");
    s.started(*other, t0 + 3h);
    EXPECT_FALSE(s.next_job(t0 + 4h));
    std::vector<std::string> deferred;
    EXPECT_TRUE(s.run_now_jobs({"a"}, t0 + 4h, deferred).empty());
    EXPECT_EQ(deferred, std::vector<std::string>{"a"});
    s.finished(*p21);
    ASSERT_TRUE(s.next_job(t0 + 4h));
    EXPECT_EQ(s.next_job(t0 + 4h)->source, "p21");
}

TEST(Scheduler, WindowedEntityRunsOnlyInItsWindowAndStopsWhenItCloses) {
    Scheduler s({{"inv_mast", "p21", 15min, chicago(19h, 7h)}});
    TimePoint noon = utc("2025-07-10 17:00");  // 12:00 CDT
    EXPECT_FALSE(s.next_job(noon));
    EXPECT_EQ(s.next_wake(noon), utc("2025-07-11 00:00"));
    auto job = s.next_job(utc("2025-07-11 00:00"));
    ASSERT_TRUE(job);
    ASSERT_TRUE(job->entities[0].stop_at);
    EXPECT_EQ(*job->entities[0].stop_at, utc("2025-07-11 12:00")) << "07:00 CDT";
}

TEST(Scheduler, ReadStoppedByTheWindowContinuesInTheNextWindow) {
    // Once a day, but a load that the window cut short continues the next night.
    Scheduler s({{"inv_mast", "p21", 24h, chicago(19h, 7h)}});
    TimePoint opened = utc("2025-07-11 00:00");
    auto job = s.next_job(opened);
    ASSERT_TRUE(job);
    s.started(*job, opened);
    TimePoint closed = *job->entities[0].stop_at;  // the read stops between pages here
    s.finished(*job);
    s.mark_unfinished("inv_mast");
    EXPECT_FALSE(s.next_job(closed));
    EXPECT_EQ(s.due_at("inv_mast", closed), utc("2025-07-12 00:00"));
    // Interrupted by a shutdown or a relay command inside the window: due at once.
    Scheduler t({{"inv_mast", "p21", 24h, chicago(19h, 7h)}});
    t.set_last_start("inv_mast", opened);
    t.mark_unfinished("inv_mast");
    EXPECT_TRUE(t.next_job(opened + 2h));
}

TEST(Scheduler, RunNowSkipsTheIntervalButNotTheWindow) {
    Scheduler s({{"supplier", "p21", 24h, {}}, {"inv_mast", "p21", 24h, chicago(19h, 7h)}});
    TimePoint noon = utc("2025-07-10 17:00");
    s.set_last_start("supplier", noon - 1h);
    s.set_last_start("inv_mast", noon - 10h);
    EXPECT_FALSE(s.next_job(noon));
    std::vector<std::string> deferred;
    auto jobs = s.run_now_jobs({}, noon, deferred);
    ASSERT_EQ(jobs.size(), 1u);
    EXPECT_EQ(names(jobs[0]), std::vector<std::string>{"supplier"});
    EXPECT_EQ(deferred, std::vector<std::string>{"inv_mast"});
    // Deferred run-now: due when the window opens, not a day after the last run.
    EXPECT_TRUE(s.request_run_now("inv_mast"));
    EXPECT_EQ(s.due_at("inv_mast", noon), utc("2025-07-11 00:00"));
    EXPECT_FALSE(s.request_run_now("nope"));
    EXPECT_TRUE(s.request_run_now(""));
    auto now_job = s.next_job(noon);
    ASSERT_TRUE(now_job);
    EXPECT_EQ(names(*now_job), std::vector<std::string>{"supplier"});
}

}  // namespace
}  // namespace cs::agent::schedule
