// The platform layer outside any service: host facts, the console fallback
// of run_as_service, stop requests, DPAPI, the Event Log message table and
// the ROOT store. The service life cycle itself runs through Wine's SCM in
// tests/installer/windows/msi_wine_test.sh.
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <windows.h>

#include "agent/platform/service_manager.hpp"
#include "agent/platform/shutdown.hpp"
#include "agent/platform/system_info.hpp"
#include "agent/platform/trust_store.hpp"
#include "agent/secrets/secret_sealer.hpp"
#include "agent/secrets/secret_store.hpp"
#include "common/service/service_notifier.hpp"
#include "tests/agent/agent_test_support.hpp"

#include "event_messages.h"

namespace cs::agent::platform {
namespace {

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

TEST(WindowsPlatform, HostFacts) {
    EXPECT_FALSE(host_name().empty());
    EXPECT_EQ(os_description().rfind("Windows ", 0), 0u) << os_description();
    EXPECT_GT(process_id(), 0);
    EXPECT_EQ(executable_path().extension(), ".exe");
}

TEST(WindowsPlatform, OutsideTheScmRunAsServiceFallsBackToTheConsole) {
    bool body_ran = false;
    auto as_service = run_as_service([&](ServiceManagerLink&, Shutdown&) {
        body_ran = true;
        return 0;
    });
    EXPECT_FALSE(as_service.has_value());
    EXPECT_FALSE(body_ran);
}

TEST(WindowsPlatform, ConsoleStopRequestsAreWatched) {
    Shutdown shutdown;
    auto watcher = StopRequests::watch(shutdown);
    ASSERT_TRUE(watcher.has_value()) << watcher.error().message;
    shutdown.request("test");
    EXPECT_TRUE(shutdown.requested());
    EXPECT_EQ(shutdown.reason(), "test");
}

TEST(WindowsPlatform, DpapiSealsUnderTheNameAndRefusesAnotherName) {
    auto sealer = secrets::open_sealer({}, true);
    ASSERT_TRUE(sealer) << sealer.error().message;
    std::string secret = "cs_site_test_" + std::to_string(process_id());
    auto sealed = (*sealer)->seal("site_key", secret);
    ASSERT_TRUE(sealed) << sealed.error().message;
    EXPECT_EQ(sealed->find(secret), std::string::npos);
    auto plain = (*sealer)->unseal("site_key", *sealed);
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(*plain, secret);
    EXPECT_FALSE((*sealer)->unseal("other_name", *sealed));
}

TEST(WindowsPlatform, TheSecretStoreSealsWithDpapiAndProtectsItsFiles) {
    testing::TempDir dir;
    SecretStoreLocation where{dir.path() / "secrets", {}};
    auto store = secrets::SecretStore::open(where, true);
    ASSERT_TRUE(store) << store.error().message;
    const std::string value = "p21-password-" + std::to_string(process_id());
    ASSERT_TRUE(store->set("p21_password", value));
    auto again = secrets::SecretStore::open(where, false);
    ASSERT_TRUE(again) << again.error().message;
    auto read = again->get("p21_password");
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(*read, value);
    std::string bytes;
    {
        std::ifstream in(where.file(), std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    EXPECT_FALSE(bytes.empty());
    EXPECT_EQ(bytes.find(value), std::string::npos) << "the store holds the value in plain text";
    auto removed = again->remove("p21_password");
    ASSERT_TRUE(removed) << removed.error().message;
    EXPECT_TRUE(*removed);
    EXPECT_FALSE(again->get("p21_password"));
}

TEST(WindowsPlatform, EventLogTextsComeFromTheMessageTable) {
    EXPECT_EQ(event_text(CS_MSG_STARTED), L"The ContractSync Agent service is running: detail\r\n");
    EXPECT_NE(event_text(CS_MSG_FAILED).find(L"exit code detail"), std::wstring::npos);
    EXPECT_EQ(event_text(CS_MSG_ERROR), L"detail\r\n");
}

TEST(WindowsPlatform, TheRootStoreHasCertificates) {
    // Wine fills it from the host's bundle; Windows from its own roots and
    // those group policy deploys.
    EXPECT_FALSE(system_root_certificates().empty());
}

TEST(WindowsPlatform, SdNotifyIsANoOp) {
    auto notifier = service::ServiceNotifier::from_environment();
    EXPECT_TRUE(notifier.ready().has_value());
}

}  // namespace
}  // namespace cs::agent::platform
