#include "common/log/log.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/text/base64.hpp"

namespace cs::log {
namespace {

class LogTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("cs-log-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        clear_secrets();
    }
    void TearDown() override {
        spdlog::shutdown();
        clear_secrets();
        std::filesystem::remove_all(dir_);
    }
    std::vector<std::string> lines(const std::filesystem::path& file) {
        spdlog::default_logger()->flush();
        std::ifstream in(file);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) {
            out.push_back(line);
        }
        return out;
    }
    std::filesystem::path dir_;
};

TEST_F(LogTest, JsonLinesAreValidJsonWhateverTheMessage) {
    auto file = dir_ / "agent.log";
    ASSERT_TRUE(init({.format = Format::json,
                      .level = "debug",
                      .file = file.string(),
                      .to_stderr = false,
                      .name = "agent"}));
    spdlog::info("quote \" backslash \\ newline \n tab \t bell \a invalid \xff\xfe end");
    spdlog::debug("second");
    auto got = lines(file);
    ASSERT_EQ(got.size(), 2u);
    auto first = nlohmann::json::parse(got[0]);
    EXPECT_EQ(first["level"], "info");
    EXPECT_EQ(first["logger"], "agent");
    std::string msg = first["msg"];
    EXPECT_NE(msg.find("quote \" backslash \\ newline \n tab \t bell \a invalid"),
              std::string::npos);
    EXPECT_NE(msg.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD for the bad bytes
    EXPECT_EQ(nlohmann::json::parse(got[1])["level"], "debug");
    std::string ts = first["ts"];
    EXPECT_EQ(ts.size(), 27u);
    EXPECT_EQ(ts.back(), 'Z');
}

TEST_F(LogTest, RegisteredSecretsNeverReachAnySink) {
    auto json_file = dir_ / "json.log";
    register_secret("s3cr3t-site-key-value");
    ASSERT_TRUE(init({.format = Format::json, .file = json_file.string(), .to_stderr = false}));
    spdlog::warn("connecting with key=s3cr3t-site-key-value to relay");
    auto got = lines(json_file);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].find("s3cr3t"), std::string::npos);
    EXPECT_NE(got[0].find("key=***"), std::string::npos);

    auto console_file = dir_ / "console.log";
    ASSERT_TRUE(
        init({.format = Format::console, .file = console_file.string(), .to_stderr = false}));
    spdlog::error("retrying with s3cr3t-site-key-value");
    auto console = lines(console_file);
    ASSERT_EQ(console.size(), 1u);
    EXPECT_EQ(console[0].find("s3cr3t"), std::string::npos);
    EXPECT_NE(console[0].find("retrying with ***"), std::string::npos);
}

TEST_F(LogTest, RotatesBySizeAndCount) {
    auto file = dir_ / "rotate.log";
    ASSERT_TRUE(init({.format = Format::json,
                      .file = file.string(),
                      .max_file_bytes = 4096,
                      .max_files = 2,
                      .to_stderr = false}));
    for (int i = 0; i < 400; ++i) {
        spdlog::info("line {} {}", i, std::string(40, 'x'));
    }
    spdlog::default_logger()->flush();
    EXPECT_TRUE(std::filesystem::exists(dir_ / "rotate.1.log"));
    EXPECT_TRUE(std::filesystem::exists(dir_ / "rotate.2.log"));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "rotate.3.log"));
    EXPECT_LE(std::filesystem::file_size(file), 4096u);
}

TEST_F(LogTest, BadOptionsAreClearErrors) {
    auto level = init({.level = "loud"});
    ASSERT_FALSE(level);
    EXPECT_NE(level.error().message.find("'loud'"), std::string::npos);
    // A log path whose parent is a regular file can never be opened.
    std::ofstream(dir_ / "plain-file") << "x";
    auto bad_path = (dir_ / "plain-file" / "y.log").string();
    auto file = init({.file = bad_path, .to_stderr = false});
    ASSERT_FALSE(file);
    EXPECT_NE(file.error().message.find(bad_path), std::string::npos);
    EXPECT_FALSE(parse_format("xml"));
}

TEST(RedactTest, EncodedFormsOfASecretAreRedactedToo) {
    clear_secrets();
    const std::string secret = "hunter2/pa ss+word!";
    register_secret(secret);
    // HTTP Basic credentials: the secret at every offset modulo 3.
    for (const std::string user : {"al", "bob", "carl", "u"}) {
        auto basic = text::base64_encode(user + ":" + secret);
        auto line = redact("sending " + basic + " to the proxy");
        EXPECT_EQ(line.find(basic), std::string::npos) << line;
        // At most the characters shared with the user's bits remain.
        EXPECT_NE(line.find("***"), std::string::npos) << line;
        EXPECT_LT(line.size(), std::string("sending  to the proxy").size() + 12) << line;
        auto alone = text::base64_encode(secret);
        EXPECT_EQ(redact(alone).find(alone.substr(0, alone.size() - 2)), std::string::npos);
    }
    auto url = redact("GET /token?password=hunter2%2Fpa%20ss%2Bword%21&x=1");
    EXPECT_EQ(url, "GET /token?password=***&x=1");
    EXPECT_EQ(redact(secret), "***");
    clear_secrets();
}

TEST(RedactTest, AuthorizationHeadersLoseTheirCredentials) {
    clear_secrets();
    EXPECT_EQ(redact("> Authorization: Basic YWxpY2U6c2VjcmV0\r\n> Host: p21"),
              "> Authorization: Basic ***\r\n> Host: p21");
    EXPECT_EQ(redact(R"({"h":"authorization: Bearer eyJ.abc.def","n":1})"),
              R"({"h":"authorization: Bearer ***","n":1})");
    EXPECT_EQ(redact("Proxy-Authorization: NTLM TlRMTVNTUAAB"), "Proxy-Authorization: NTLM ***");
    EXPECT_EQ(redact("no authorization here"), "no authorization here");
}

TEST(RedactTest, ShortValuesAreNotTreatedAsSecrets) {
    clear_secrets();
    register_secret("abc");
    EXPECT_EQ(redact("abc"), "abc");
    register_secret("password1");
    register_secret("password12345");
    EXPECT_EQ(redact("pw=password12345;"), "pw=***;");
    clear_secrets();
}

}  // namespace
}  // namespace cs::log
