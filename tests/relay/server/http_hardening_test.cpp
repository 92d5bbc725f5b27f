// The relay process's HTTP layer (docs/security.md, "The HTTP layer"):
// uploads — a caller without credentials is answered before its body is read,
// an authenticated 60 MB upload streams to disk, and neither raises the
// relay's peak memory by anything like the upload's size; a Content-Length
// over the limit is a 413 that names it, one between the ordinary and the
// upload limit is served — connection caps, and the headers of every response.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "relay/api/auth/auth.hpp"
#include "relay/sites/sites.hpp"
#include "tests/common/net/http_get.hpp"
#include "tests/common/peak_rss.hpp"
#include "tests/relay/support/pg_test_database.hpp"
#include "tests/relay/support/records.hpp"
#include "tests/relay/support/relay_process.hpp"
#include "tests/relay/support/test_agent.hpp"
#include "tests/relay/support/tls_exchange.hpp"

namespace cs::relay::testing {
namespace {

constexpr const char* kPassword = "correct horse battery staple";
constexpr std::uint64_t kMiB = 1u << 20;
constexpr std::uint64_t kUpload = 60'000'000;
// Peak memory may grow by buffers and a parsed batch, never by the upload.
constexpr std::uint64_t kRssAllowance = 40 * kMiB;

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
    std::string hex;
    for (unsigned char b : digest) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

// A vendor file of exactly `size` bytes: `good` contract lines, then lines
// whose item is too long to accept (rejected, counted, cheap to read).
std::string contract_csv(std::uint64_t size, int good) {
    std::string out = "Vendor,Contract #,Item ID,UOM,Price\n";
    for (int i = 0; i < good; ++i) {
        out += fmt::format("acme,C-1,ITEM-{},EA,{}.25\n", i, i + 1);
    }
    const std::string pad = "acme,C-1," + std::string(3000, 'x') + ",EA,1.00\n";
    while (out.size() + pad.size() <= size) {
        out += pad;
    }
    out += std::string(size - out.size() - 1, 'y') + "\n";  // one more rejected line
    return out;
}

// A plain TCP connection from `source` (any 127.x address is this host).
class RawConnection {
public:
    RawConnection(const char* source, int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in from{};
        from.sin_family = AF_INET;
        ::inet_pton(AF_INET, source, &from.sin_addr);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port));
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
    }
    ~RawConnection() { ::close(fd_); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // Whether the relay closed it within `wait` (else it is being served).
    bool closed_within(std::chrono::milliseconds wait) const {
        pollfd p{fd_, POLLIN, 0};
        if (!connected_) {
            return true;
        }
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) {
            return false;
        }
        char c;
        return ::recv(fd_, &c, 1, MSG_PEEK) <= 0;
    }

private:
    int fd_;
    bool connected_ = false;
};

class HttpHardeningTest : public ::testing::Test {
protected:
    void SetUp() override {
        CS_REQUIRE_PG();
        std::signal(SIGPIPE, SIG_IGN);  // the relay may close while the client writes
        db_ = std::make_unique<PgTestDatabase>();
        dir_ = std::make_unique<TempDir>();
        auto conn = db_->connect();
        tenant_ = sites::create_tenant(*conn, "uploads").value().tenant_id;
        api::PasswordCost cost{64, 1, 1};
        for (const char* role : {"analyst", "viewer"}) {
            ASSERT_TRUE(api::auth::create_user(
                *conn, {tenant_, fmt::format("{}@u.test", role), "", role, kPassword}, cost));
        }
    }

    void start(const std::string& limits = "{}") {
        auto tls = test_data_dir() / "tls";
        relay_ = std::make_unique<RelayProcess>(
            dir_->path(),
            fmt::format(R"({{
                "listen": {{"address": "127.0.0.1", "port": 0}},
                "tls": {{"certificate_file": "{}", "private_key_file": "{}"}},
                "database": {{"dsn": "{}", "session_connections": 4}},
                "reconciliation": {{"enabled": false}},
                "limits": {},
                "metrics": {{"listen": "127.0.0.1:0"}},
                "data_dir": "{}"
            }})",
                        (tls / "relay-test.crt").string(), (tls / "relay-test.key").string(),
                        db_->dsn(), limits, dir_->path().string()));
        ASSERT_TRUE(relay_->start()) << "see " << (dir_->path() / "relay.log");
    }

    // "Cookie: ...\r\nX-CSRF-Token: ...\r\n" for a logged-in user.
    std::string login(const std::string& email) {
        auto r = https_request(relay_->port(), "POST", "/api/v1/auth/login", {},
                               nlohmann::json{{"email", email}, {"password", kPassword}}.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        auto cookie = r.header("Set-Cookie");
        auto csrf = r.status == 200 ? nlohmann::json::parse(r.body).value("csrf_token", "") : "";
        return fmt::format("Cookie: {}\r\nX-CSRF-Token: {}\r\n", cookie.substr(0, cookie.find(';')),
                           csrf);
    }

    std::string scrape() const {
        std::ifstream in(dir_->path() / "relay.metrics-port");
        int port = 0;
        in >> port;
        return net::testing::http_get(static_cast<std::uint16_t>(port));
    }

    std::uint64_t peak_rss() const { return cs::testing::peak_rss(std::to_string(relay_->pid())); }

    std::size_t staged_files() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e :
             std::filesystem::directory_iterator(dir_->path() / "blobs" / ".tmp")) {
            ++n;
        }
        return n;
    }

    std::unique_ptr<PgTestDatabase> db_;
    std::unique_ptr<TempDir> dir_;
    std::unique_ptr<RelayProcess> relay_;
    std::string tenant_;
};

TEST_F(HttpHardeningTest, AnUploadWithoutCredentialsIsRefusedBeforeItsBodyIsRead) {
    start();
    const std::string body(kUpload, 'z');
    auto viewer = login("viewer@u.test");
    auto analyst = login("analyst@u.test");
    auto csrf_less = analyst.substr(0, analyst.find("X-CSRF-Token"));
    auto before = peak_rss();
    struct Case {
        const char* who;
        std::string fields;
        int status;
    };
    for (const auto& c : {Case{"nobody", "", 401}, Case{"a viewer", viewer, 403},
                          Case{"no CSRF token", csrf_less, 403}}) {
        auto x = tls_exchange(
            relay_->port(),
            request_head("POST", "/api/v1/vendor-files?name=big.csv", kUpload, c.fields) + body);
        EXPECT_EQ(x.status, c.status) << c.who << ": " << x.error << " " << x.body;
        EXPECT_TRUE(x.response_early) << c.who << ": answered only after the whole body";
        EXPECT_LT(x.sent, 24 * kMiB) << c.who << ": the relay read the body before refusing";
        std::printf("%s: answered %d after %.1f MiB of %.1f MiB sent\n", c.who, x.status,
                    static_cast<double>(x.sent) / kMiB, static_cast<double>(kUpload) / kMiB);
        EXPECT_EQ(x.header("Connection"), "close") << c.who;
    }
    if (before > 0) {  // 0: a sanitizer build, where RSS means nothing
        auto grew = peak_rss() - before;
        EXPECT_LT(grew, kRssAllowance) << "peak RSS grew by " << grew / kMiB << " MiB";
        std::printf("relay peak RSS grew by %.1f MiB\n", static_cast<double>(grew) / kMiB);
    }
    EXPECT_EQ(staged_files(), 0u);
    auto count = scalar(*db_->connect(), "SELECT count(*) FROM recon_vendor_files");
    EXPECT_EQ(count, "0");
}

TEST_F(HttpHardeningTest, AnAuthenticatedSixtyMegabyteUploadStreamsToDisk) {
    start();
    auto analyst = login("analyst@u.test");
    const auto csv = contract_csv(kUpload, 1000);
    ASSERT_EQ(csv.size(), kUpload);
    auto before = peak_rss();
    auto x = tls_exchange(
        relay_->port(),
        request_head("POST", "/api/v1/vendor-files?name=big.csv", kUpload, analyst) + csv,
        std::chrono::seconds(120));
    ASSERT_EQ(x.status, 201) << x.error << " " << x.body;
    EXPECT_FALSE(x.response_early);
    if (before > 0) {  // 0: a sanitizer build, where RSS means nothing
        auto grew = peak_rss() - before;
        EXPECT_LT(grew, kRssAllowance) << "peak RSS grew by " << grew / kMiB << " MiB";
        std::printf("relay peak RSS grew by %.1f MiB\n", static_cast<double>(grew) / kMiB);
    }
    auto reply = nlohmann::json::parse(x.body);
    EXPECT_EQ(reply["file"]["size_bytes"], kUpload);
    EXPECT_EQ(reply["file"]["sha256"], sha256_hex(csv));
    EXPECT_EQ(reply["file"]["lines_accepted"], 1000);
    EXPECT_EQ(reply["file"]["status"], "partial");
    auto blob = dir_->path() / "blobs" / "tenants" / tenant_ / "vendor-files" /
                reply["file"]["file_id"].get<std::string>();
    EXPECT_EQ(std::filesystem::file_size(blob), kUpload) << "the original is kept";
    EXPECT_EQ(staged_files(), 0u);
}

TEST_F(HttpHardeningTest, ABodyBetweenTheOrdinaryAndTheUploadLimitIsServed) {
    start();
    auto analyst = login("analyst@u.test");
    const auto csv = contract_csv(2 * kMiB, 10);  // over limits.max_http_body_bytes (1 MiB)
    auto x = tls_exchange(
        relay_->port(),
        request_head("POST", "/api/v1/vendor-files?name=two.csv", csv.size(), analyst) + csv);
    EXPECT_EQ(x.status, 201) << x.error << " " << x.body;
    EXPECT_EQ(x.interim, 0);
    // A client that waits for 100 Continue (curl does) gets it once admitted.
    auto waiting = tls_exchange(
        relay_->port(), request_head("POST", "/api/v1/vendor-files?name=three.csv", csv.size(),
                                     analyst + "Expect: 100-continue\r\n") +
                            csv);
    EXPECT_EQ(waiting.status, 201) << waiting.error << " " << waiting.body;
    EXPECT_EQ(waiting.interim, 1);
    auto refused =
        tls_exchange(relay_->port(), request_head("POST", "/api/v1/vendor-files?name=four.csv",
                                                  csv.size(), "Expect: 100-continue\r\n") +
                                         csv);
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.interim, 0) << "no 100 Continue for a caller who is refused";
}

TEST_F(HttpHardeningTest, AContentLengthOverTheLimitIs413NamingTheLimit) {
    start();
    auto analyst = login("analyst@u.test");
    const std::uint64_t over = 64 * kMiB + 1;
    auto x = tls_exchange(relay_->port(),
                          request_head("POST", "/api/v1/vendor-files?name=x.csv", over, analyst) +
                              std::string(over, 'z'));
    EXPECT_EQ(x.status, 413) << x.error;
    EXPECT_TRUE(x.response_early);
    EXPECT_EQ(nlohmann::json::parse(x.body).value("error", ""),
              "the upload is 67108865 bytes; the limit is 64 MiB (limits.max_upload_bytes)");
    auto ordinary = tls_exchange(relay_->port(),
                                 request_head("PATCH", "/api/v1/recon/policy", 2 * kMiB, analyst) +
                                     std::string(2 * kMiB, ' '));
    EXPECT_EQ(ordinary.status, 413);
    EXPECT_EQ(nlohmann::json::parse(ordinary.body).value("error", ""),
              "the request body is 2097152 bytes; the limit is 1 MiB "
              "(limits.max_http_body_bytes)");
    // Chunked: the size is learnt only as it arrives.
    std::string chunked = fmt::format(
        "POST /api/v1/vendor-files?name=c.csv HTTP/1.1\r\nHost: x\r\n{}"
        "Transfer-Encoding: chunked\r\n\r\n",
        analyst);
    const std::string chunk(kMiB, 'z');
    for (int i = 0; i < 65; ++i) {
        chunked += fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk);
    }
    chunked += "0\r\n\r\n";
    auto c = tls_exchange(relay_->port(), chunked);
    EXPECT_EQ(c.status, 413) << c.error;
    EXPECT_EQ(nlohmann::json::parse(c.body).value("error", ""),
              "the upload is more than 67108864 bytes; the limit is 64 MiB "
              "(limits.max_upload_bytes)");
    EXPECT_EQ(staged_files(), 0u) << "the part written is removed";
}

TEST_F(HttpHardeningTest, EveryResponseCarriesHstsAndNoBuildVersion) {
    start();
    for (const char* path : {"/livez", "/api/v1/sites", "/nowhere"}) {
        auto r = https_request(relay_->port(), "GET", path);
        ASSERT_NE(r.status, 0) << path;
        EXPECT_EQ(r.header("Strict-Transport-Security"), "max-age=31536000") << path;
        EXPECT_EQ(r.header("Server"), "contractsync-relay") << path << ": no version";
    }
    auto refused =
        tls_exchange(relay_->port(), request_head("POST", "/api/v1/vendor-files?name=a.csv", 10) +
                                         std::string(10, 'x'));
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.header("Strict-Transport-Security"), "max-age=31536000");
    EXPECT_EQ(https_request(relay_->port(), "GET", "/metrics").status, 404)
        << "metrics are not on the public port";
    EXPECT_NE(scrape().find("contractsync_relay_build_info"), std::string::npos)
        << "they are on the loopback listener";
}

TEST_F(HttpHardeningTest, ConnectionsOverTheCapsAreClosedOnArrivalAndCounted) {
    auto site = db_->create_site("capped");
    start(R"({"max_connections": 5, "max_connections_per_address": 3})");
    constexpr auto kPrompt = std::chrono::milliseconds(1500);
    TestAgent agent(relay_->port());
    ASSERT_EQ(agent.connect(site.key), 101) << "an agent's WebSocket holds a slot too";
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 2; ++i) {
        held.push_back(std::make_unique<RawConnection>("127.0.0.1", relay_->port()));
    }
    for (const auto& c : held) {
        EXPECT_FALSE(c->closed_within(std::chrono::milliseconds(300)));
    }
    RawConnection fourth("127.0.0.1", relay_->port());
    EXPECT_TRUE(fourth.closed_within(kPrompt)) << "over max_connections_per_address";
    RawConnection other1("127.0.0.2", relay_->port());
    RawConnection other2("127.0.0.2", relay_->port());
    EXPECT_FALSE(other2.closed_within(std::chrono::milliseconds(300)))
        << "another address has its own cap";
    RawConnection sixth("127.0.0.3", relay_->port());
    EXPECT_TRUE(sixth.closed_within(kPrompt)) << "over max_connections";
    held.pop_back();  // a slot frees when its connection closes
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    RawConnection again("127.0.0.1", relay_->port());
    EXPECT_FALSE(again.closed_within(std::chrono::milliseconds(300)));
    auto metrics = scrape();
    EXPECT_NE(metrics.find("contractsync_relay_http_connections_refused_total{cap="
                           "\"max_connections_per_address\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("contractsync_relay_http_connections_refused_total{cap="
                           "\"max_connections\"} 1"),
              std::string::npos)
        << metrics;
}

}  // namespace
}  // namespace cs::relay::testing
