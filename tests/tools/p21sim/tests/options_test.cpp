#include <map>

#include <gtest/gtest.h>

#include "tests/tools/p21sim/config.hpp"

namespace cs::p21sim {
namespace {

CommandLine parse(std::vector<const char*> args,
                  std::map<std::string, std::string> env = {{"P21SIM_PASSWORD", "pw"}}) {
    args.insert(args.begin(), "p21sim");
    return parse_command_line(static_cast<int>(args.size()), args.data(),
                              [env](const std::string& name) -> std::optional<std::string> {
                                  auto it = env.find(name);
                                  if (it == env.end()) {
                                      return std::nullopt;
                                  }
                                  return it->second;
                              });
}

TEST(CommandLine, DefaultsServeLoopbackWithThePasswordFromTheEnvironment) {
    CommandLine c = parse({});
    ASSERT_TRUE(c.config) << c.message;
    EXPECT_EQ(c.config->server.host, "127.0.0.1");
    EXPECT_EQ(c.config->server.port, 0);
    EXPECT_EQ(c.config->tokens.password, "pw");
    EXPECT_TRUE(c.config->tokens.consumer_key.empty());
    EXPECT_EQ(c.config->rows[TableId::inv_mast], 5000u);
    EXPECT_EQ(c.config->paging, Paging::client);
    EXPECT_FALSE(c.config->clock_start_ms);
}

TEST(CommandLine, ReadsSecretsOnlyFromNamedVariables) {
    CommandLine c = parse({"--password-env", "MY_PW", "--consumer-key-env", "MY_CK"},
                          {{"MY_PW", "a"}, {"MY_CK", "b"}});
    ASSERT_TRUE(c.config) << c.message;
    EXPECT_EQ(c.config->tokens.password, "a");
    EXPECT_EQ(c.config->tokens.consumer_key, "b");
    CommandLine unset = parse({"--password-env", "MY_PW"}, {});
    EXPECT_FALSE(unset.config);
    EXPECT_NE(unset.message.find("MY_PW"), std::string::npos);
    CommandLine none = parse({}, {});
    EXPECT_FALSE(none.config);
    EXPECT_NE(none.message.find("no credentials"), std::string::npos);
    EXPECT_FALSE(parse({"--password", "pw"}).config);  // there is no such flag
}

TEST(CommandLine, ListensOnLoopbackOnly) {
    EXPECT_TRUE(parse({"--listen", "127.0.0.1:8021"}).config);
    EXPECT_EQ(parse({"--listen", "localhost:1"}).config->server.host, "127.0.0.1");
    EXPECT_EQ(parse({"--listen", "[::1]:0"}).config->server.host, "::1");
    EXPECT_FALSE(parse({"--listen", "0.0.0.0:8021"}).config);
    EXPECT_FALSE(parse({"--listen", "10.0.0.1:80"}).config);
    EXPECT_FALSE(parse({"--listen", "127.0.0.1:99999"}).config);
    EXPECT_FALSE(parse({"--listen", "127.0.0.1"}).config);
}

TEST(CommandLine, ReadsDataPagingAndFaultFlags) {
    CommandLine c = parse({"--rows",
                           "inv_mast=1000000,supplier=50",
                           "--seed",
                           "9",
                           "--tz",
                           "UTC",
                           "--datetime-style",
                           "offset",
                           "--paging",
                           "nextlink",
                           "--page-size",
                           "500",
                           "--nextlink",
                           "relative",
                           "--rate-limit",
                           "600/min",
                           "--error-every",
                           "7",
                           "--truncate-page",
                           "3",
                           "--clock",
                           "2025-02-01T00:00:00Z",
                           "--freeze-clock",
                           "--deny-table",
                           "customer",
                           "--deny-table",
                           "supplier"});
    ASSERT_TRUE(c.config) << c.message;
    const Config& config = *c.config;
    EXPECT_EQ(config.rows[TableId::inv_mast], 1'000'000u);
    EXPECT_EQ(config.rows[TableId::item_uom], 2'000'000u);
    EXPECT_EQ(config.seed, 9u);
    EXPECT_EQ(config.datetime_style, DateTimeStyle::offset);
    EXPECT_EQ(config.paging, Paging::nextlink);
    EXPECT_EQ(config.page_size, 500u);
    EXPECT_EQ(config.nextlink, LinkForm::relative);
    EXPECT_EQ(config.faults.rate_limit.requests, 600u);
    EXPECT_EQ(config.faults.error_every, 7u);
    EXPECT_EQ(config.faults.truncate_page, 3u);
    EXPECT_EQ(config.clock_start_ms, 1738368000000);
    EXPECT_TRUE(config.clock_frozen);
    EXPECT_EQ(config.deny_tables, (std::vector<std::string>{"customer", "supplier"}));
}

TEST(CommandLine, RejectsBadValuesWithAReason) {
    for (std::vector<const char*> bad : {std::vector<const char*>{"--paging", "sideways"},
                                         {"--rows", "inv_mast=x"},
                                         {"--rate-limit", "lots"},
                                         {"--data-end", "soon"},
                                         {"--datetime-style", "utc"},
                                         {"--tls-cert", "a.pem"},
                                         {"--error-probability", "1.5"},
                                         {"--page-size", "0"}}) {
        CommandLine c = parse(bad);
        EXPECT_FALSE(c.config) << bad[0];
        EXPECT_NE(c.exit_code, 0);
        EXPECT_FALSE(c.message.empty());
    }
}

TEST(CommandLine, HelpExitsZeroWithUsage) {
    CommandLine c = parse({"--help"});
    EXPECT_FALSE(c.config);
    EXPECT_EQ(c.exit_code, 0);
    EXPECT_NE(c.message.find("--rate-limit"), std::string::npos);
}

}  // namespace
}  // namespace cs::p21sim
