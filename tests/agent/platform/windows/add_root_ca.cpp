// add_root_ca.exe CERT.der: adds a CA certificate to the machine's trusted
// root store (LocalMachine\Root), as group policy deploys a company's
// TLS-inspection CA, for tests/installer/windows/msi_wine_test.sh: the agent
// must then trust servers under that CA with no certificate file on disk.
#include <windows.h>
// wincrypt.h needs windows.h before it.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include <wincrypt.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: add_root_ca CERT.der\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::string der{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (der.empty()) {
        std::fprintf(stderr, "add_root_ca: cannot read %s\n", argv[1]);
        return 1;
    }
    HCERTSTORE store =
        CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"ROOT");
    if (store == nullptr) {
        std::fprintf(stderr, "add_root_ca: cannot open LocalMachine\\Root (error %lu)\n",
                     GetLastError());
        return 1;
    }
    const BOOL added = CertAddEncodedCertificateToStore(
        store, X509_ASN_ENCODING, reinterpret_cast<const BYTE*>(der.data()),
        static_cast<DWORD>(der.size()), CERT_STORE_ADD_REPLACE_EXISTING, nullptr);
    const DWORD error = GetLastError();
    CertCloseStore(store, 0);
    if (!added) {
        std::fprintf(stderr, "add_root_ca: cannot add the certificate (error %lu)\n", error);
        return 1;
    }
    std::printf("added %s to LocalMachine\\Root\n", argv[1]);
    return 0;
}
