#pragma once

// The reconciliation API tests' fixture: the API fixture with a vendor file
// upload as the portal sends it and the audit log's counts.
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "tests/relay/api/api_fixture.hpp"

namespace cs::relay::api::testing {

class ReconApiTest : public ApiFixture {
protected:
    // A request with a raw body (a file upload), as the portal sends it.
    Response upload(const Session& s, const std::string& target, const std::string& bytes,
                    const std::string& type = "text/csv") {
        server::HttpRequest req;
        req.method = "POST";
        req.target = target;
        std::tie(req.path, req.query) = server::split_target(target);
        req.remote_address = "10.0.0.1";
        req.body = bytes;
        req.headers.emplace_back("content-type", type);
        req.headers.emplace_back("cookie", s.cookie);
        req.headers.emplace_back("x-csrf-token", s.csrf);
        if (!s.tenant_header.empty()) {
            req.headers.emplace_back("x-tenant-id", s.tenant_header);
        }
        auto http = dispatcher_->handle(req);
        Response r;
        r.status = http.status;
        r.raw = http.body;
        r.headers = http.headers;
        r.body = nlohmann::json::parse(http.body, nullptr, false);
        return r;
    }

    std::string audit_count(const std::string& action) {
        return std::string(sql(fmt::format("SELECT count(*) FROM audit_log WHERE action = '{}' "
                                           "AND tenant_id = '{}'",
                                           action, a_.tenant_id))
                               .text(0, 0));
    }

    static constexpr const char* kContract =
        "Vendor,Contract #,Item ID,UOM,Price,Start,End\n"
        "zeta,Z-1,Z-100,EA,1.00,01/01/2026,12/31/2026\n"
        "zeta,Z-1,Z-200,EA,2.00,01/01/2026,12/31/2026\n"
        "zeta,Z-1,Z-300,EA,oops,01/01/2026,12/31/2026\n";
};

}  // namespace cs::relay::api::testing
