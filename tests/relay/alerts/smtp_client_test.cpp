// The SMTP client against a sink on 127.0.0.1: the dialogue, the message's
// headers, dot-stuffing, STARTTLS with AUTH, a refused recipient and a server
// that never answers.
#include "relay/alerts/smtp_client.hpp"

#include <chrono>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/relay/support/smtp_sink.hpp"

namespace cs::relay::alerts {
namespace {

using relay::testing::SmtpSink;

SmtpConfig sink_config(const SmtpSink& sink, SmtpTls tls = SmtpTls::none) {
    auto c = sink.client_config();
    c.tls = tls;
    return c;
}

std::string header(const std::string& data, const std::string& name) {
    auto at = data.find("\r\n" + name + ": ");
    if (data.starts_with(name + ": ")) {
        at = 0;
    } else if (at == std::string::npos) {
        return "";
    } else {
        at += 2;
    }
    auto start = at + name.size() + 2;
    return data.substr(start, data.find("\r\n", start) - start);
}

TEST(SmtpClientTest, SendsOneMessageWithItsHeadersInTheDialogue) {
    SmtpSink sink;
    SmtpClient client(sink_config(sink));
    auto s = client.send({"buyer@acme.test", "Site offline: Acme main branch",
                          "site Acme main branch has been offline since 10:00\nsecond line"});
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(sink.wait_for(1, std::chrono::seconds(5)));
    auto m = sink.messages().at(0);
    EXPECT_EQ(m.mail_from, "notifications@contractsync.test");
    EXPECT_EQ(m.rcpt, std::vector<std::string>{"buyer@acme.test"});
    EXPECT_FALSE(m.tls);
    EXPECT_EQ(header(m.data, "From"), "ContractSync <notifications@contractsync.test>");
    EXPECT_EQ(header(m.data, "To"), "<buyer@acme.test>");
    EXPECT_EQ(header(m.data, "Subject"), "Site offline: Acme main branch");
    EXPECT_EQ(header(m.data, "Content-Type"), "text/plain; charset=UTF-8");
    EXPECT_EQ(header(m.data, "MIME-Version"), "1.0");
    EXPECT_TRUE(header(m.data, "Message-ID").ends_with("@contractsync.test>"))
        << header(m.data, "Message-ID");
    // "Mon, 07 Dec 2026 15:04:05 +0000"
    EXPECT_EQ(header(m.data, "Date").size(), 31u) << header(m.data, "Date");
    // Every line ends in CRLF, the body's too.
    EXPECT_NE(m.data.find("\r\n\r\nsite Acme main branch has been offline since 10:00\r\nsecond "
                          "line\r\n"),
              std::string::npos)
        << m.data;
    for (std::size_t i = 0; i < m.data.size(); ++i) {
        if (m.data[i] == '\n') {
            ASSERT_TRUE(i > 0 && m.data[i - 1] == '\r') << "bare LF at " << i;
        }
    }
    auto commands = sink.commands();
    ASSERT_GE(commands.size(), 4u);
    EXPECT_TRUE(commands[0].starts_with("EHLO")) << commands[0];
}

TEST(SmtpClientTest, LinesStartingWithADotAreStuffedOnTheWireAndArriveIntact) {
    SmtpSink sink;
    SmtpClient client(sink_config(sink));
    const std::string body = ".first line starts with a dot\n.\nmiddle\n..two dots";
    ASSERT_TRUE(client.send({"buyer@acme.test", "dots", body}));
    ASSERT_TRUE(sink.wait_for(1, std::chrono::seconds(5)));
    auto m = sink.messages().at(0);
    // A lone "." would have ended the message early: it went as "..".
    EXPECT_NE(m.wire.find("\r\n..first line starts with a dot\r\n..\r\nmiddle\r\n...two dots\r\n"),
              std::string::npos)
        << m.wire;
    EXPECT_NE(m.data.find("\r\n.first line starts with a dot\r\n.\r\nmiddle\r\n..two dots\r\n"),
              std::string::npos)
        << m.data;
}

TEST(SmtpClientTest, ARefusedRecipientIsAPermanentErrorThatQuotesTheServer) {
    SmtpSink::Options o;
    o.refuse = {"gone@acme.test"};
    SmtpSink sink(o);
    SmtpClient client(sink_config(sink));
    auto s = client.send({"gone@acme.test", "x", "y"});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::invalid_argument) << s.error().message;
    EXPECT_NE(s.error().message.find("gone@acme.test"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("550"), std::string::npos) << s.error().message;
    EXPECT_NE(s.error().message.find("no such user"), std::string::npos) << s.error().message;
    EXPECT_TRUE(sink.messages().empty());
    // The same client goes on with the next message.
    ASSERT_TRUE(client.send({"buyer@acme.test", "x", "y"}));
    EXPECT_TRUE(sink.wait_for(1, std::chrono::seconds(5)));
}

TEST(SmtpClientTest, AServerThatNeverAnswersTimesOut) {
    SmtpSink::Options o;
    o.hang = true;
    SmtpSink sink(o);
    auto config = sink_config(sink);
    config.timeout = std::chrono::milliseconds(800);
    SmtpClient client(config);
    auto started = std::chrono::steady_clock::now();
    auto s = client.send({"buyer@acme.test", "x", "y"});
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::unavailable);
    EXPECT_NE(s.error().message.find("did not answer within 800 ms"), std::string::npos)
        << s.error().message;
    EXPECT_LT(took, std::chrono::seconds(4));
}

TEST(SmtpClientTest, StartTlsCarriesTheLoginAndTheMessage) {
    SmtpSink::Options o;
    o.starttls = true;
    SmtpSink sink(o);
    auto config = sink_config(sink, SmtpTls::starttls);
    config.ca_file = std::string(CS_TEST_DATA_DIR) + "/tls/agent/ca.pem";
    config.username = "relay";
    config.password = "s3cret-pass";
    SmtpClient client(config);
    auto s = client.send({"buyer@acme.test", "over TLS", "body"});
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(sink.wait_for(1, std::chrono::seconds(5)));
    auto m = sink.messages().at(0);
    EXPECT_TRUE(m.tls);
    EXPECT_EQ(m.auth, std::string("\0relay\0s3cret-pass", 18));
    // Before STARTTLS nothing but EHLO and STARTTLS went in clear.
    auto commands = sink.commands();
    ASSERT_GE(commands.size(), 3u);
    EXPECT_TRUE(commands[0].starts_with("EHLO"));
    EXPECT_EQ(commands[1], "STARTTLS");
}

TEST(SmtpClientTest, StartTlsIsRequiredWhenConfigured) {
    SmtpSink sink;  // offers no STARTTLS
    auto config = sink_config(sink, SmtpTls::starttls);
    config.username = "relay";
    config.password = "s3cret-pass";
    SmtpClient client(config);
    auto s = client.send({"buyer@acme.test", "x", "y"});
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("does not offer STARTTLS"), std::string::npos)
        << s.error().message;
    EXPECT_EQ(s.error().message.find("s3cret-pass"), std::string::npos);
    for (const auto& c : sink.commands()) {
        EXPECT_FALSE(c.starts_with("AUTH")) << "the password went in clear";
    }
    EXPECT_TRUE(sink.messages().empty());
}

TEST(SmtpClientTest, NobodyListeningIsAClearError) {
    SmtpSink sink;
    auto c = sink.client_config();
    auto port = SmtpSink::unused_port();
    c.port = port;
    SmtpClient client(c);
    auto s = client.send({"buyer@acme.test", "x", "y"});
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find(fmt::format("127.0.0.1:{}", port)), std::string::npos)
        << s.error().message;
}

TEST(EmailMessageTest, HeadersCannotBeInjectedAndNonAsciiSubjectsAreEncoded) {
    auto at = std::chrono::system_clock::from_time_t(1'796'655'845);  // 2026-12-07 15:04:05 UTC
    auto text = render_email({"buyer@acme.test", "Prix modifié\r\nBcc: evil@x.test", "b"},
                             "notifications@contractsync.test", at);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(text->find("\r\nBcc:"), std::string::npos) << *text;
    EXPECT_NE(text->find("Subject: =?UTF-8?B?"), std::string::npos) << *text;
    EXPECT_NE(text->find("Date: Mon, 07 Dec 2026 15:04:05 +0000\r\n"), std::string::npos) << *text;
    EXPECT_FALSE(render_email({"a@b.test\r\nRCPT TO:<c@d.test>", "s", "b"}, "n@c.test", at));
    EXPECT_FALSE(render_email({"two@a.test, three@b.test", "s", "b"}, "n@c.test", at));
}

TEST(EmailMessageTest, LongBodiesAreCutToTheLimitAndLongLinesBroken) {
    auto at = std::chrono::system_clock::now();
    auto text =
        render_email({"buyer@acme.test", "s", std::string(5000, 'x')}, "n@c.test", at, 2048);
    ASSERT_TRUE(text);
    EXPECT_LE(text->size(), 2048u);
    EXPECT_NE(text->find("[message shortened]"), std::string::npos);
    std::size_t longest = 0;
    std::size_t start = 0;
    for (auto end = text->find("\r\n"); end != std::string::npos;
         start = end + 2, end = text->find("\r\n", start)) {
        longest = std::max(longest, end - start);
    }
    EXPECT_LE(longest, 998u);
}

}  // namespace
}  // namespace cs::relay::alerts
