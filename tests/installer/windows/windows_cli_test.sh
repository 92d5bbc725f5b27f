#!/usr/bin/env bash
# The cross-built contractsync-agent.exe as a customer gets it: under Wine it
# says the same version as the Linux build and lists every command; its
# version resource carries the version, product and company; the exe, the
# custom action DLL and the MSI are Authenticode-signed and the signatures
# verify against the CA that signed them (the throwaway CA of --test-signing
# in CI); and the MSI's ProductVersion is the agent's version.
#
#   windows_cli_test.sh SOURCE_DIR WINDOWS_BUILD_DIR LINUX_AGENT
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/wine_env.sh"
src="$1"
build="$(cd "$2" && pwd)"
linux_agent="$3"
require_windows_build "$build"
version="$(sed -n 's/^project(ContractSync VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")"
msi="$build/contractsync-agent-$version-x64.msi"
signed="$build/package/contractsync-agent.exe"
for f in "$msi" "$signed"; do
    [[ -f "$f" ]] || { echo "FAIL: $f is missing: run scripts/package windows"; exit 1; }
done
wine_prefix "$build/wine-cli"
trap 'wineserver -k || true' EXIT
failures=0
check() {
    if eval "$1"; then echo "PASS $2"; else echo "FAIL $2"; failures=$((failures + 1)); fi
}

linux_version="$("$linux_agent" --version)"
windows_version="$(timeout 60 wine "$signed" --version | tr -d '\r')"
check '[[ "$windows_version" == "$linux_version" ]]' \
    "wine contractsync-agent.exe --version is the Linux build's ($windows_version)"
help="$(timeout 60 wine "$signed" --help | tr -d '\r')"
for command in run sync push status check-config test-connection failed secret install \
    uninstall support-bundle; do
    check 'grep -Eq "^  $command( |$)" <<<"$help"' "--help lists $command"
done
timeout 60 wine "$signed" sync --config 'C:\no such folder\agent.json' >"$build/wine-cli/out.txt" 2>&1 \
    && rc=0 || rc=$?
check '[[ $rc -eq 1 ]] && grep -q "no such folder" "$build/wine-cli/out.txt"' \
    "a bad command line exits 1 with a one-line reason naming the file"

# The version resource: UTF-16 strings in the executable.
resource="$(strings -el "$signed")"
for field in "ProductName=ContractSync Agent" "CompanyName=ContractSync" \
    "FileVersion=$linux_version" "ProductVersion=$linux_version"; do
    key="${field%%=*}" value="${field#*=}"
    check 'grep -A1 -x "$key" <<<"$resource" | tail -1 | grep -qxF "$value"' \
        "version resource $key is $value"
done
check 'grep -q "longPathAware" <(strings "$signed")' "the manifest declares long paths"

ca="$build/signing/ca.pem"
if [[ -f "$ca" ]]; then
    for f in "$signed" "$build/package/contractsync_msi_actions.dll" "$msi"; do
        out="$(osslsigncode verify -CAfile "$ca" -in "$f" 2>&1 || true)"
        check 'grep -q "Signature verification: ok" <<<"$out"' \
            "$(basename "$f") is signed and verifies against the CA that signed it"
    done
    # A file changed after signing no longer verifies.
    tampered="$build/wine-cli/tampered.exe"
    cp "$signed" "$tampered"
    printf 'x' | dd of="$tampered" bs=1 seek=4096 conv=notrunc 2>/dev/null
    out="$(osslsigncode verify -CAfile "$ca" -in "$tampered" 2>&1 || true)"
    check '! grep -q "Signature verification: ok" <<<"$out"' "a tampered executable fails verification"
else
    echo "FAIL no test CA in $build/signing: scripts/package windows --test-signing signs the CI build"
    failures=$((failures + 1))
fi
msi_version="$(msiinfo export "$msi" Property | tr -d '\r' | awk -F'\t' '$1 == "ProductVersion" {print $2}')"
check '[[ "$msi_version" == "${linux_version%%+*}" ]]' \
    "the MSI's ProductVersion $msi_version is the agent's version"
echo "$failures failure(s)"
[[ $failures -eq 0 ]]
