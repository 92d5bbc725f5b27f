#!/usr/bin/env bash
# Signs Windows files (the agent's .exe, its MSI) in place with Authenticode,
# using Debian's osslsigncode (SHA-256). Where the key comes from
# (docs/install-windows.md, "Signing a release"):
#
#   CS_SIGN_PKCS12=file.pfx           a PKCS#12 bundle (certificate chain and key)
#   CS_SIGN_CERT=chain.pem CS_SIGN_KEY=key.pem
#                                     certificate chain and private key files
#   CS_SIGN_PKCS11_MODULE=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
#   CS_SIGN_KEY='pkcs11:...'          a key on a hardware token or HSM, through
#   CS_SIGN_CERT=chain.pem|'pkcs11:...'  OpenSSL's PKCS#11 engine (Debian package
#   [CS_SIGN_PKCS11_ENGINE=.../pkcs11.so]  libengine-pkcs11-openssl)
#   CS_SIGN_PASSWORD_FILE=file        the key's password, if it has one (never argv)
#   CS_SIGN_TIMESTAMP_URL=https://... an RFC 3161 time-stamping service, so the
#                                     signature outlives the certificate
#
#   sign.sh FILE...                   sign with the key above
#   sign.sh --test-ca DIR FILE...     sign with a throwaway code-signing
#                                     certificate from a CA made in DIR (once;
#                                     DIR/ca.pem verifies it): CI and tests only
set -euo pipefail
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
command -v osslsigncode >/dev/null || die "osslsigncode is missing (Debian package osslsigncode)"

# A CA and a code-signing certificate under it, made once in DIR.
make_test_ca() {
    local dir="$1"
    [[ -f "$dir/signer.pem" && -f "$dir/signer.key" && -f "$dir/ca.pem" ]] && return 0
    mkdir -p "$dir"
    (
        cd "$dir"
        umask 077
        openssl req -x509 -newkey rsa:3072 -nodes -days 30 -sha256 \
            -subj "/CN=ContractSync test code signing CA" \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
            -keyout ca.key -out ca.pem 2>/dev/null
        openssl req -newkey rsa:3072 -nodes -subj "/CN=ContractSync (test signature)/O=ContractSync" \
            -keyout signer.key -out signer.csr 2>/dev/null
        printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
            "extendedKeyUsage=codeSigning" >signer.ext
        openssl x509 -req -in signer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
            -sha256 -extfile signer.ext -out signer.pem 2>/dev/null
        rm -f signer.csr signer.ext
    )
}

if [[ "${1:-}" == --test-ca ]]; then
    [[ $# -ge 3 ]] || die "usage: sign.sh --test-ca DIR FILE..."
    make_test_ca "$2"
    CS_SIGN_CERT="$2/signer.pem" CS_SIGN_KEY="$2/signer.key"
    unset CS_SIGN_PKCS12 CS_SIGN_PKCS11_MODULE CS_SIGN_PKCS11_ENGINE CS_SIGN_PASSWORD_FILE \
        CS_SIGN_TIMESTAMP_URL
    shift 2
fi
[[ $# -ge 1 ]] || die "usage: sign.sh [--test-ca DIR] FILE..."

key_args=()
if [[ -n "${CS_SIGN_PKCS12:-}" ]]; then
    key_args=(-pkcs12 "$CS_SIGN_PKCS12")
elif [[ -n "${CS_SIGN_PKCS11_MODULE:-}" ]]; then
    [[ -n "${CS_SIGN_KEY:-}" && -n "${CS_SIGN_CERT:-}" ]] \
        || die "CS_SIGN_PKCS11_MODULE needs CS_SIGN_KEY (a pkcs11: URI) and CS_SIGN_CERT"
    key_args=(-pkcs11module "$CS_SIGN_PKCS11_MODULE" -key "$CS_SIGN_KEY")
    if [[ "$CS_SIGN_CERT" == pkcs11:* ]]; then
        key_args+=(-pkcs11cert "$CS_SIGN_CERT")
    else
        key_args+=(-certs "$CS_SIGN_CERT")
    fi
    [[ -n "${CS_SIGN_PKCS11_ENGINE:-}" ]] && key_args+=(-pkcs11engine "$CS_SIGN_PKCS11_ENGINE")
elif [[ -n "${CS_SIGN_CERT:-}" && -n "${CS_SIGN_KEY:-}" ]]; then
    key_args=(-certs "$CS_SIGN_CERT" -key "$CS_SIGN_KEY")
else
    die "no signing key: set CS_SIGN_PKCS12, CS_SIGN_CERT + CS_SIGN_KEY, or CS_SIGN_PKCS11_MODULE (or --test-ca DIR for a throwaway one)"
fi
[[ -n "${CS_SIGN_PASSWORD_FILE:-}" ]] && key_args+=(-readpass "$CS_SIGN_PASSWORD_FILE")
[[ -n "${CS_SIGN_TIMESTAMP_URL:-}" ]] && key_args+=(-ts "$CS_SIGN_TIMESTAMP_URL")

for file in "$@"; do
    [[ -f "$file" ]] || die "$file does not exist"
    tmp="$file.signing"
    rm -f "$tmp"
    osslsigncode sign "${key_args[@]}" -h sha256 -n "ContractSync Agent" \
        -i "https://contractsync.example/agent" -in "$file" -out "$tmp" >/dev/null \
        || { rm -f "$tmp"; die "signing $file failed"; }
    mv "$tmp" "$file"
    echo "signed $file"
done
