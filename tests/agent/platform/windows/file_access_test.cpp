// The ACL rule for what the agent keeps on disk. Wine accepts a file's ACL
// and reports success without storing it, so what Windows would enforce is
// checked on the rule itself (parsed by Windows' own SDDL functions), and the
// call's success and errors on real files.
#include <windows.h>
// sddl.h needs windows.h before it.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sddl.h>

#include "agent/platform/file_access.hpp"
#include "agent/platform/windows/file_access.hpp"
#include "tests/agent/agent_test_support.hpp"

namespace cs::agent::platform {
namespace {

// SDDL through a security descriptor and back: what Windows makes of it.
std::wstring as_windows_reads_it(const std::wstring& sddl) {
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd,
                                                              nullptr)) {
        return L"(not valid SDDL)";
    }
    LPWSTR text = nullptr;
    std::wstring out;
    if (ConvertSecurityDescriptorToStringSecurityDescriptorW(
            sd, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, nullptr)) {
        out = text;
        LocalFree(text);
    }
    LocalFree(sd);
    return out;
}

constexpr wchar_t kServiceSid[] =
    L"S-1-5-80-1412617231-3328394290-2593434386-1811591364-3224163829";

TEST(WindowsFileAccess, FoldersAreProtectedAndPassTheRuleOn) {
    std::wstring sddl = as_windows_reads_it(agent_acl_sddl(true, kServiceSid));
    EXPECT_EQ(sddl, std::wstring(L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;") +
                        kServiceSid + L")");
}

TEST(WindowsFileAccess, FilesGetTheRuleWithoutInheritance) {
    std::wstring sddl = as_windows_reads_it(agent_acl_sddl(false, kServiceSid));
    EXPECT_EQ(sddl,
              std::wstring(L"D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1301bf;;;") + kServiceSid + L")");
}

TEST(WindowsFileAccess, BeforeTheServiceExistsOnlySystemAndAdministrators) {
    EXPECT_EQ(as_windows_reads_it(agent_acl_sddl(true, L"")),
              L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)");
}

TEST(WindowsFileAccess, WindowsAcceptsTheRuleOnFilesAndFolders) {
    testing::TempDir dir;
    auto state = dir.path() / "state";
    std::filesystem::create_directories(state);
    auto folder = restrict_to_service(state, true);
    EXPECT_TRUE(folder) << folder.error().message;
    std::ofstream(state / "secrets.json") << "{}";
    auto file = restrict_to_service(state / "secrets.json", false);
    EXPECT_TRUE(file) << file.error().message;
}

TEST(WindowsFileAccess, AMissingPathIsAnErrorThatNamesIt) {
    testing::TempDir dir;
    auto st = restrict_to_service(dir.path() / "missing", true);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("missing: cannot restrict access"), std::string::npos)
        << st.error().message;
}

}  // namespace
}  // namespace cs::agent::platform
