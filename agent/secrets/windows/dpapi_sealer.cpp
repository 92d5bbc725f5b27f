// Windows secret sealing: DPAPI in machine scope (CryptProtectData with
// CRYPTPROTECT_LOCAL_MACHINE). Windows keeps the key; any process on this
// machine can unseal, so the store file's ACL (SYSTEM, Administrators and the
// service account only) is what keeps other users out. The trade-off against
// user scope is in docs/windows.md: user scope would tie the secrets to one
// profile, and a virtual service account's profile is not one an
// administrator can run `secret set` in.
#include <windows.h>
// dpapi.h needs windows.h before it.
#include <dpapi.h>

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

}  // namespace cs::agent::secrets
