#include "tests/tools/p21sim/tokens.hpp"

#include <gtest/gtest.h>

namespace cs::p21sim {
namespace {

constexpr std::int64_t kNow = 1'750'000'000'000;

TokenConfig config() {
    return {.user = "Api_User", .password = "s3cret", .consumer_key = "ck-123", .ttl_seconds = 60};
}

std::string bearer(const IssuedToken& token) {
    return "Bearer " + token.access_token;
}

TEST(Tokens, IssuesUserTokensForTheRightCredentials) {
    TokenService tokens(config());
    auto token = tokens.issue_for_user("api_user", "s3cret", kNow);  // user names ignore case
    ASSERT_TRUE(token);
    EXPECT_EQ(token->access_token.size(), 48u);
    EXPECT_FALSE(token->refresh_token.empty());
    EXPECT_EQ(token->expires_in, 60);
    EXPECT_EQ(tokens.check(bearer(*token), kNow), TokenCheck::ok);
    EXPECT_EQ(tokens.check("bearer " + token->access_token, kNow), TokenCheck::ok);
    EXPECT_EQ(tokens.issued(), 1u);
}

TEST(Tokens, RefusesWrongCredentials) {
    TokenService tokens(config());
    EXPECT_EQ(tokens.issue_for_user("api_user", "S3CRET", kNow).error().code,
              ErrorCode::unauthorized);
    EXPECT_FALSE(tokens.issue_for_user("other", "s3cret", kNow));
    EXPECT_FALSE(tokens.issue_for_consumer("ck-12", "", kNow));
    TokenService no_password({.user = "u", .consumer_key = "k"});
    EXPECT_FALSE(no_password.issue_for_user("u", "", kNow));
}

TEST(Tokens, ChecksTheAuthorizationHeader) {
    TokenService tokens(config());
    auto token = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    EXPECT_EQ(tokens.check("", kNow), TokenCheck::missing);
    EXPECT_EQ(tokens.check(token.access_token, kNow), TokenCheck::missing);  // no scheme
    EXPECT_EQ(tokens.check("Basic " + token.access_token, kNow), TokenCheck::missing);
    EXPECT_EQ(tokens.check("Bearer nope", kNow), TokenCheck::unknown);
    EXPECT_EQ(tokens.check("Bearer " + token.refresh_token, kNow), TokenCheck::unknown);
}

TEST(Tokens, ANewTokenInvalidatesEarlierOnes) {
    TokenService tokens(config());
    auto first = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    auto second = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    EXPECT_EQ(tokens.check(bearer(first), kNow), TokenCheck::superseded);
    EXPECT_EQ(tokens.check(bearer(second), kNow), TokenCheck::ok);
    // Consumer-key sessions are separate principals.
    auto consumer = tokens.issue_for_consumer("ck-123", "", kNow).value();
    EXPECT_EQ(tokens.check(bearer(second), kNow), TokenCheck::ok);
    EXPECT_EQ(tokens.check(bearer(consumer), kNow), TokenCheck::ok);
    tokens.set_single_session(false);
    auto third = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    EXPECT_EQ(tokens.check(bearer(second), kNow), TokenCheck::ok);
    EXPECT_EQ(tokens.check(bearer(third), kNow), TokenCheck::ok);
}

TEST(Tokens, ExpireOnTheSimulatorClock) {
    TokenService tokens(config());
    auto token = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    EXPECT_EQ(tokens.check(bearer(token), kNow + 59'999), TokenCheck::ok);
    EXPECT_EQ(tokens.check(bearer(token), kNow + 60'000), TokenCheck::expired);
}

TEST(Tokens, StopAfterTheConfiguredNumberOfUses) {
    TokenService tokens(config());
    tokens.set_max_requests(2);
    auto token = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    EXPECT_EQ(tokens.check(bearer(token), kNow), TokenCheck::ok);
    EXPECT_EQ(tokens.check(bearer(token), kNow), TokenCheck::ok);
    EXPECT_EQ(tokens.check(bearer(token), kNow), TokenCheck::used_up);
}

TEST(Tokens, RevokeAllEndsEveryToken) {
    TokenService tokens(config());
    auto token = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    tokens.revoke_all();
    EXPECT_EQ(tokens.check(bearer(token), kNow), TokenCheck::revoked);
    auto fresh = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    EXPECT_EQ(tokens.check(bearer(fresh), kNow), TokenCheck::ok);
}

TEST(Tokens, RefreshTokensWorkOnceAndOpenANewSession) {
    TokenService tokens(config());
    auto token = tokens.issue_for_user("api_user", "s3cret", kNow).value();
    auto refreshed = tokens.refresh(token.refresh_token, kNow + 1000);
    ASSERT_TRUE(refreshed);
    EXPECT_EQ(tokens.check(bearer(*refreshed), kNow + 1000), TokenCheck::ok);
    EXPECT_EQ(tokens.check(bearer(token), kNow + 1000), TokenCheck::superseded);
    EXPECT_FALSE(tokens.refresh(token.refresh_token, kNow + 2000));
}

TEST(Tokens, ConsumerKeyTokensHaveNoRefreshToken) {
    TokenService tokens(config());
    auto token = tokens.issue_for_consumer("ck-123", "api_user", kNow).value();
    EXPECT_TRUE(token.refresh_token.empty());
    EXPECT_EQ(token.user, "api_user");
}

}  // namespace
}  // namespace cs::p21sim
