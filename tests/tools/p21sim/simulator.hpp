#pragma once

#include <memory>
#include <string>

#include "common/base/expected.hpp"
#include "tests/tools/p21sim/config.hpp"
#include "tests/tools/p21sim/http_types.hpp"

namespace cs::p21sim {

struct Context;

// The P21 middleware simulator without its sockets: routes each request to the
// token, data, generic or admin handlers and applies the configured faults.
// Thread-safe: connections on several threads call handle() concurrently.
class Simulator {
public:
    static Expected<std::unique_ptr<Simulator>> create(Config config);
    ~Simulator();

    // `body_buffer` is memory a response body may reuse (a connection hands back
    // its previous body), which spares page faults on every large page.
    HttpResponse handle(const HttpRequest& request, std::string body_buffer = {});

    const Config& config() const;
    // Where clients reach the server, for absolute links when a request has no
    // Host header; set once the listener knows its port.
    void set_origin(std::string origin);

private:
    explicit Simulator(std::unique_ptr<Context> context);

    std::unique_ptr<Context> context_;
};

}  // namespace cs::p21sim
