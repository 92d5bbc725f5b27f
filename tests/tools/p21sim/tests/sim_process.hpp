#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <curl/curl.h>

namespace cs::p21sim::testing {

// The p21sim binary as a child process on 127.0.0.1, port 0. Reads the
// "p21sim listening on <origin>" line; stop() sends SIGTERM and waits.
class SimProcess {
public:
    explicit SimProcess(std::vector<std::string> args,
                        std::map<std::string, std::string> env = {{"P21SIM_PASSWORD", "pw"}});
    ~SimProcess();
    SimProcess(const SimProcess&) = delete;
    SimProcess& operator=(const SimProcess&) = delete;

    bool started() const { return !origin_.empty(); }
    const std::string& origin() const { return origin_; }
    // SIGTERM, then the exit status (or -1 if it had to be killed after 10 s).
    int stop();

private:
    int pid_ = -1;
    std::string origin_;
};

struct Reply {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    std::vector<std::string> status_lines;       // "HTTP/1.1 100 Continue", then the final one
    double seconds = 0;
};

struct Call {
    std::string method = "GET";
    std::string url;
    std::string body;
    std::vector<std::string> headers;
    long timeout_ms = 20'000;
    std::string ca_file;
};

Reply http(const Call& call);

// Percent-encodes a query value.
std::string encode(const std::string& value);

}  // namespace cs::p21sim::testing
