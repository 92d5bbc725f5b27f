#include <gtest/gtest.h>

#include "agent/normalize/date_parse.hpp"
#include "common/parse/date_formats.hpp"

namespace cs::agent::normalize {
namespace {

TEST(ReadDateTime, FollowsTheConfiguredDayOrder) {
    const auto& month_first = parse::builtin_date_formats(false);
    const auto& day_first = parse::builtin_date_formats(true);
    ASSERT_EQ(month_first.size(), day_first.size());
    parse::DateTimeParts a;
    parse::DateTimeParts b;
    std::string why;
    DateOptions us;
    us.formats = month_first;
    DateOptions uk;
    uk.formats = day_first;
    ASSERT_TRUE(read_date_time(us, CellKind::text, "03/04/2026", a, why));
    ASSERT_TRUE(read_date_time(uk, CellKind::text, "03/04/2026", b, why));
    EXPECT_EQ(b.days - a.days, 30);  // 3 April vs 4 March
}

}  // namespace
}  // namespace cs::agent::normalize
