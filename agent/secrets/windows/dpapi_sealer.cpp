// Windows secret sealing: DPAPI in machine scope (CryptProtectData with
// CRYPTPROTECT_LOCAL_MACHINE). Windows keeps the key; any process on this
// machine can unseal, so the store file's ACL (SYSTEM, Administrators and the
// service account only) is what keeps other users out. The trade-off against
// user scope is in docs/windows.md: user scope would tie the secrets to one
// profile, and a virtual service account's profile is not one an
// administrator can run `secret set` in.
#include <aclapi.h>
#include <dpapi.h>
#include <sddl.h>
#include <windows.h>

#include "agent/secrets/secret_sealer.hpp"

namespace cs::agent::secrets {
namespace {

std::string entropy_for(std::string_view label) {
    return "contractsync-secret:" + std::string(label);
}

DATA_BLOB blob(std::string_view s) {
    DATA_BLOB b;
    b.cbData = static_cast<DWORD>(s.size());
    b.pbData = reinterpret_cast<BYTE*>(const_cast<char*>(s.data()));
    return b;
}

class DpapiSealer final : public SecretSealer {
public:
    std::string_view scheme() const override { return "dpapi-machine"; }
    std::string key_id() const override { return {}; }
    std::string key_description() const override { return "this machine's DPAPI key"; }

    Expected<std::string> seal(std::string_view label, std::string_view plain) const override {
        std::string entropy = entropy_for(label);
        DATA_BLOB in = blob(plain);
        DATA_BLOB extra = blob(entropy);
        DATA_BLOB out{};
        if (!CryptProtectData(&in, L"ContractSync secret", &extra, nullptr, nullptr,
                              CRYPTPROTECT_LOCAL_MACHINE | CRYPTPROTECT_UI_FORBIDDEN, &out)) {
            return make_error(ErrorCode::internal, "DPAPI could not seal the value (error {})",
                              GetLastError());
        }
        std::string sealed(reinterpret_cast<const char*>(out.pbData), out.cbData);
        LocalFree(out.pbData);
        return sealed;
    }

    Expected<std::string> unseal(std::string_view label, std::string_view sealed) const override {
        std::string entropy = entropy_for(label);
        DATA_BLOB in = blob(sealed);
        DATA_BLOB extra = blob(entropy);
        DATA_BLOB out{};
        if (!CryptUnprotectData(&in, nullptr, &extra, nullptr, nullptr, CRYPTPROTECT_UI_FORBIDDEN,
                                &out)) {
            return make_error(ErrorCode::unauthorized,
                              "DPAPI cannot unseal it (error {}): it was sealed on another "
                              "machine, or the store was altered",
                              GetLastError());
        }
        std::string plain(reinterpret_cast<const char*>(out.pbData), out.cbData);
        SecureZeroMemory(out.pbData, out.cbData);
        LocalFree(out.pbData);
        return plain;
    }
};

}  // namespace

Expected<std::unique_ptr<SecretSealer>> open_sealer(const SecretStoreLocation&, bool) {
    return std::unique_ptr<SecretSealer>(std::make_unique<DpapiSealer>());
}

Status restrict_to_owner(const std::filesystem::path& path, bool directory) {
    // Protected DACL: SYSTEM and Administrators full control, the service's
    // virtual account (NT SERVICE\ContractSyncAgent) full control when it
    // exists (the installer registers it); nothing inherited from ProgramData.
    std::wstring sddl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";
    BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sid_size = sizeof sid;
    wchar_t domain[256];
    DWORD domain_size = 256;
    SID_NAME_USE use;
    if (LookupAccountNameW(nullptr, L"NT SERVICE\\ContractSyncAgent", sid, &sid_size, domain,
                           &domain_size, &use)) {
        LPWSTR text = nullptr;
        if (ConvertSidToStringSidW(sid, &text)) {
            sddl += L"(A;OICI;FA;;;" + std::wstring(text) + L")";
            LocalFree(text);
        }
    }
    if (!directory) {
        // Files take no inheritance flags.
        for (auto pos = sddl.find(L"OICI"); pos != std::wstring::npos; pos = sddl.find(L"OICI")) {
            sddl.erase(pos, 4);
        }
    }
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &sd,
                                                              nullptr)) {
        return make_error(ErrorCode::internal, "{}: cannot build its ACL (error {})", path.string(),
                          GetLastError());
    }
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    PACL dacl = nullptr;
    GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted);
    std::wstring wide = path.wstring();
    DWORD rc =
        SetNamedSecurityInfoW(wide.data(), SE_FILE_OBJECT,
                              DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                              nullptr, nullptr, dacl, nullptr);
    LocalFree(sd);
    if (rc != ERROR_SUCCESS) {
        return make_error(ErrorCode::io_error, "{}: cannot restrict access (error {})",
                          path.string(), rc);
    }
    return ok();
}

}  // namespace cs::agent::secrets
