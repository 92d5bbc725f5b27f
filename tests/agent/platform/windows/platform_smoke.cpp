// Runs the Windows platform layer: under Wine in CI (installer/windows/cross),
// on a Windows machine by hand. Without arguments it checks the layer outside
// any service and exits 0 when every check holds (each failure is printed).
// With arguments it stands in for contractsync-agent.exe (the placeholder MSI
// installs it under that name): `install` / `uninstall` register it as the
// ContractSyncAgent service, `run ...` (the command line `install` registers)
// is the service body: it reports RUNNING and waits for the SCM's stop, as
// the agent's `run` does; `secret set NAME --config PATH` seals standard input.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <windows.h>

#include "agent/platform/service_manager.hpp"
#include "agent/platform/shutdown.hpp"
#include "agent/platform/system_info.hpp"
#include "agent/platform/trust_store.hpp"
#include "agent/secrets/secret_sealer.hpp"
#include "common/service/service_notifier.hpp"

#include "event_messages.h"

namespace {

int g_failures = 0;

void check(bool ok, const char* what) {
    std::printf("%s %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok) {
        ++g_failures;
    }
}

// The message the Event Log shows for `id`, from this executable's table.
std::wstring event_text(DWORD id) {
    wchar_t* text = nullptr;
    DWORD_PTR args[] = {reinterpret_cast<DWORD_PTR>(L"detail")};
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ALLOCATE_BUFFER |
                                 FORMAT_MESSAGE_ARGUMENT_ARRAY,
                             GetModuleHandleW(nullptr), id, 0, reinterpret_cast<LPWSTR>(&text), 0,
                             reinterpret_cast<va_list*>(args));
    std::wstring out = n == 0 ? std::wstring() : std::wstring(text, n);
    LocalFree(text);
    return out;
}

// The value of `--config PATH` in argv, or "".
std::string config_arg(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--config") == 0) {
            return argv[i + 1];
        }
    }
    return {};
}

// `secret set NAME --config PATH` as the MSI's custom action calls it: all of
// standard input sealed with DPAPI into <config folder>\secret-NAME.sealed,
// so the installer test can check what landed on disk.
int seal_standard_input(const std::string& name, const std::string& config) {
    std::string value;
    char buffer[256];
    DWORD n = 0;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buffer, sizeof buffer, &n, nullptr) && n > 0) {
        value.append(buffer, n);
    }
    auto sealer = cs::agent::secrets::open_sealer({}, true);
    auto sealed = sealer ? (*sealer)->seal(name, value) : cs::Expected<std::string>(sealer.error());
    if (!sealed || value.empty()) {
        return 1;
    }
    auto path = std::filesystem::path(config).parent_path() / ("secret-" + name + ".sealed");
    std::ofstream(path, std::ios::binary) << *sealed;
    return 0;
}

// The agent's command line as the service and the installer use it.
int agent_stand_in(int argc, char** argv) {
    using namespace cs::agent;
    std::string config = config_arg(argc, argv);
    if (std::strcmp(argv[1], "install") == 0) {
        auto st = platform::install_service(
            {platform::executable_path(), config.empty() ? "C:\\smoke.json" : config});
        std::printf("install: %s\n", st ? "ok" : st.error().message.c_str());
        return st ? 0 : 1;
    }
    if (std::strcmp(argv[1], "uninstall") == 0) {
        auto st = platform::uninstall_service();
        std::printf("uninstall: %s\n", st ? "ok" : st.error().message.c_str());
        return st ? 0 : 1;
    }
    if (std::strcmp(argv[1], "secret") == 0 && argc > 3 && std::strcmp(argv[2], "set") == 0) {
        return seal_standard_input(argv[3], config);
    }
    auto exit_code =
        platform::run_as_service([](platform::ServiceManagerLink& link, platform::Shutdown& stop) {
            link.running();
            return stop.wait_for(std::chrono::minutes(5)) ? 0 : 3;
        });
    return exit_code.value_or(2);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace cs::agent;
    if (argc > 1) {
        return agent_stand_in(argc, argv);
    }
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
    check(platform::executable_path().extension() == ".exe", "executable path");
    check(event_text(CS_MSG_STARTED) == L"The ContractSync Agent service is running: detail\r\n",
          "Event Log messages come from the executable's message table");
    check(event_text(CS_MSG_FAILED).find(L"exit code detail") != std::wstring::npos,
          "the failure message is readable");
    auto roots = platform::system_root_certificates();
    std::printf("ROOT store: %zu certificates\n", roots.size());
    check(!roots.empty(), "the Windows ROOT store has certificates for TLS");

    auto notifier = cs::service::ServiceNotifier::from_environment();
    check(notifier.ready().has_value(), "sd_notify is a no-op on Windows");
    std::printf("%d failure(s)\n", g_failures);
    return g_failures == 0 ? 0 : 1;
}
