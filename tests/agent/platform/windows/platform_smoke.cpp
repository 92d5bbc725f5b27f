// Runs the Windows platform layer outside any service: under Wine in CI
// (installer/windows/cross), on a Windows machine by hand. Exit 0 when every
// check holds; each failure is printed.
#include <cstdio>
#include <string>

#include "agent/platform/service_manager.hpp"
#include "agent/platform/shutdown.hpp"
#include "agent/platform/system_info.hpp"
#include "agent/secrets/secret_sealer.hpp"
#include "common/service/service_notifier.hpp"

namespace {

int g_failures = 0;

void check(bool ok, const char* what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok) {
        ++g_failures;
    }
}

}  // namespace

int main() {
    using namespace cs::agent;
    check(!platform::host_name().empty(), "host name");
    check(platform::os_description().rfind("Windows", 0) == 0, "OS description starts Windows");
    check(platform::process_id() > 0, "process id");

    // Not started by the SCM: the dispatcher refuses and the agent would run
    // in the console.
    bool body_ran = false;
    auto as_service =
        platform::run_as_service([&](platform::ServiceManagerLink&, platform::Shutdown&) {
            body_ran = true;
            return 0;
        });
    check(!as_service && !body_ran, "outside the SCM, run_as_service falls back to the console");

    platform::Shutdown shutdown;
    auto watcher = platform::StopRequests::watch(shutdown);
    check(watcher.has_value(), "console stop requests are watched");
    shutdown.request("test");
    check(shutdown.requested() && shutdown.reason() == "test", "a stop request is seen");

    auto sealer = secrets::open_sealer({}, true);
    check(sealer.has_value(), "DPAPI sealer opens");
    if (sealer) {
        std::string secret = "cs_site_smoke_" + std::to_string(platform::process_id());
        auto sealed = (*sealer)->seal("site_key", secret);
        check(sealed.has_value() && sealed->find(secret) == std::string::npos,
              "DPAPI seals without the plain value");
        if (sealed) {
            auto plain = (*sealer)->unseal("site_key", *sealed);
            check(plain.has_value() && *plain == secret, "DPAPI unseals under the same name");
            check(!(*sealer)->unseal("other_name", *sealed).has_value(),
                  "DPAPI refuses the value under another name");
        }
    }
    auto notifier = cs::service::ServiceNotifier::from_environment();
    check(notifier.ready().has_value(), "sd_notify is a no-op on Windows");
    std::printf("%d failure(s)\n", g_failures);
    return g_failures == 0 ? 0 : 1;
}
