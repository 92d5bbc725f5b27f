// The one ACL rule for what the agent keeps on disk, used by the agent (state
// folder, secret store) and by the MSI's custom action (the data folder).
#include "agent/platform/file_access.hpp"

#include <string>

#include <aclapi.h>
#include <sddl.h>
#include <windows.h>

#include "agent/platform/windows/file_access.hpp"
#include "common/fs/file.hpp"

namespace cs::agent::platform {
namespace {

// "Modify" for files and folders: read, write, append, execute/traverse,
// delete, read attributes and the ACL; not WRITE_DAC or WRITE_OWNER.
constexpr wchar_t kModify[] = L"0x1301bf";

std::wstring service_sid() {
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sid_size = sizeof sid;
    wchar_t domain[256];
    DWORD domain_size = 256;
    SID_NAME_USE use;
    if (!LookupAccountNameW(nullptr, L"NT SERVICE\\ContractSyncAgent", sid, &sid_size, domain,
                            &domain_size, &use)) {
        return {};  // not installed as a service (yet): administrators only
    }
    LPWSTR text = nullptr;
    if (!ConvertSidToStringSidW(sid, &text)) {
        return {};
    }
    std::wstring out(text);
    LocalFree(text);
    return out;
}

}  // namespace

std::wstring agent_acl_sddl(bool directory, const std::wstring& sid) {
    // Folders pass their entries on to what is created in them (OICI).
    const std::wstring inherit = directory ? L"OICI" : L"";
    std::wstring sddl = L"D:P(A;" + inherit + L";FA;;;SY)(A;" + inherit + L";FA;;;BA)";
    if (!sid.empty()) {
        sddl += L"(A;" + inherit + L";" + kModify + L";;;" + sid + L")";
    }
    return sddl;
}

Status restrict_to_service(const std::filesystem::path& path, bool directory) {
    const std::wstring sddl = agent_acl_sddl(directory, service_sid());
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd,
                                                              nullptr)) {
        return make_error(ErrorCode::internal, "{}: cannot build its ACL (Windows error {})",
                          fs::to_utf8(path), GetLastError());
    }
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    PACL dacl = nullptr;
    GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
    std::wstring wide = path.native();
    const DWORD rc =
        SetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT,
                              DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                              nullptr, nullptr, dacl, nullptr);
    LocalFree(sd);
    if (rc != ERROR_SUCCESS) {
        return make_error(ErrorCode::io_error, "{}: cannot restrict access (Windows error {}{})",
                          fs::to_utf8(path), rc,
                          rc == ERROR_ACCESS_DENIED ? ": run it from an elevated prompt" : "");
    }
    return ok();
}

std::optional<std::string> readable_by_other_users(const std::filesystem::path& path) {
    PSECURITY_DESCRIPTOR sd = nullptr;
    PACL dacl = nullptr;
    if (GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                              nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS) {
        return std::nullopt;
    }
    const WELL_KNOWN_SID_TYPE everyone[] = {WinWorldSid, WinBuiltinUsersSid,
                                            WinAuthenticatedUserSid};
    bool readable = dacl == nullptr;  // no DACL at all: everyone has every right
    for (DWORD i = 0; dacl != nullptr && !readable && i < dacl->AceCount; ++i) {
        void* ace = nullptr;
        if (!GetAce(dacl, i, &ace) ||
            static_cast<ACE_HEADER*>(ace)->AceType != ACCESS_ALLOWED_ACE_TYPE) {
            continue;
        }
        auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
        if ((allowed->Mask & (FILE_READ_DATA | GENERIC_READ | GENERIC_ALL)) == 0) {
            continue;
        }
        for (WELL_KNOWN_SID_TYPE type : everyone) {
            BYTE sid[SECURITY_MAX_SID_SIZE];
            DWORD size = sizeof sid;
            if (CreateWellKnownSid(type, nullptr, sid, &size) &&
                EqualSid(sid, &allowed->SidStart)) {
                readable = true;
            }
        }
    }
    LocalFree(sd);
    if (!readable) {
        return std::nullopt;
    }
    // The same rule as agent_acl_sddl: SYSTEM and Administrators full control,
    // the service modify, inherited by what a folder holds.
    std::error_code ec;
    const char* inherit = std::filesystem::is_directory(path, ec) ? "(OI)(CI)" : "";
    return "icacls \"" + fs::to_utf8(path) + "\" /inheritance:r /grant:r SYSTEM:" + inherit +
           "F Administrators:" + inherit + "F \"NT SERVICE\\ContractSyncAgent\":" + inherit + "M";
}

}  // namespace cs::agent::platform
