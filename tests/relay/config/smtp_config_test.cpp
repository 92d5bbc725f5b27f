// The relay config's smtp section: defaults, the password from the
// environment (never from the file), and clear refusals.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "relay/config/config.hpp"

namespace cs::relay {
namespace {

Expected<RelayConfig> parse_smtp(const std::string& smtp, std::vector<const char*> env = {}) {
    env.push_back(nullptr);
    auto doc = config::Document::parse(R"({"database": {"dsn": "host=db"}, "smtp": )" + smtp + "}",
                                       "relay.json");
    if (!doc) {
        return doc.error();
    }
    return parse_config(std::move(*doc), env.data());
}

std::string error_of(const Expected<RelayConfig>& c) {
    return c ? std::string("(accepted)") : c.error().message;
}

TEST(SmtpConfigTest, IsOffWithoutASectionAndReadsOneWithItsDefaults) {
    auto doc = config::Document::parse(R"({"database": {"dsn": "host=db"}})", "relay.json");
    ASSERT_TRUE(doc);
    const char* no_env[] = {nullptr};
    auto none = parse_config(std::move(*doc), no_env);
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->smtp);

    auto c = parse_smtp(R"({"host": "smtp.example.com", "from": "notifications@example.com"})");
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->smtp);
    EXPECT_EQ(c->smtp->port, 587);
    EXPECT_EQ(c->smtp->tls, SmtpTls::starttls);
    EXPECT_EQ(c->smtp->timeout, std::chrono::seconds(30));
    EXPECT_EQ(c->smtp->batch, 50u);
    EXPECT_TRUE(c->smtp->password.empty());
}

TEST(SmtpConfigTest, TakesThePasswordFromTheEnvironment) {
    auto c = parse_smtp(R"({"host": "smtp.example.com", "port": 465, "tls": "tls",
        "from": "n@example.com", "username": "relay", "password_env": "CS_SMTP_PW",
        "timeout": "10s", "portal_url": "https://relay.example.com"})",
                        {"CS_SMTP_PW=s3cret"});
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->smtp->password, "s3cret");
    EXPECT_EQ(c->smtp->tls, SmtpTls::tls);
    EXPECT_EQ(c->smtp->port, 465);
    EXPECT_EQ(c->smtp->portal_url, "https://relay.example.com");
    EXPECT_EQ(c->smtp->timeout, std::chrono::seconds(10));
}

TEST(SmtpConfigTest, RefusesWhatCannotWorkInWords) {
    auto no_from = parse_smtp(R"({"host": "smtp.example.com"})");
    EXPECT_NE(error_of(no_from).find("from"), std::string::npos) << error_of(no_from);
    auto bad_from = parse_smtp(R"({"host": "h", "from": "Ops <ops@example.com>"})");
    EXPECT_NE(error_of(bad_from).find("is not one e-mail address"), std::string::npos)
        << error_of(bad_from);
    auto bad_tls = parse_smtp(R"({"host": "h", "from": "n@example.com", "tls": "ssl"})");
    EXPECT_NE(error_of(bad_tls).find("use starttls, tls or none"), std::string::npos)
        << error_of(bad_tls);
    auto clear = parse_smtp(R"({"host": "h", "from": "n@example.com", "tls": "none",
        "username": "u", "password_env": "CS_SMTP_PW"})",
                            {"CS_SMTP_PW=s3cret"});
    EXPECT_NE(error_of(clear).find("in clear"), std::string::npos) << error_of(clear);
    EXPECT_EQ(error_of(clear).find("s3cret"), std::string::npos);
    auto no_user = parse_smtp(R"({"host": "h", "from": "n@example.com",
        "password_env": "CS_SMTP_PW"})",
                              {"CS_SMTP_PW=s3cret"});
    EXPECT_NE(error_of(no_user).find("no username"), std::string::npos) << error_of(no_user);
    auto in_file = parse_smtp(R"({"host": "h", "from": "n@example.com", "password": "x"})");
    EXPECT_NE(error_of(in_file).find("password"), std::string::npos) << error_of(in_file);
    auto port = parse_smtp(R"({"host": "h", "from": "n@example.com", "port": 70000})");
    EXPECT_FALSE(port);
    auto url = parse_smtp(R"({"host": "h", "from": "n@example.com", "portal_url": "relay"})");
    EXPECT_NE(error_of(url).find("portal_url"), std::string::npos) << error_of(url);
}

}  // namespace
}  // namespace cs::relay
