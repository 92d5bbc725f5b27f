#!/usr/bin/env bash
# Installs the placeholder MSI with Wine's msiexec, as customer IT would run it
# silently, and checks what lands on the machine: the config written from
# RELAY_URL/PROXY_URL, SITE_KEY sealed with DPAPI by the custom action (never
# in plain text on disk), the service running; an upgrade keeps the edited
# config and the sealed key; an older package is refused; uninstall removes
# the service and keeps C:\ProgramData\ContractSync\Agent.
#
# Wine's msi differs from Windows Installer in two ways that bound this test:
# RemoveExistingProducts is a stub (the old version stays registered after a
# major upgrade, so the upgrade's removal half is checked by the MSI tables in
# msi_test.sh instead), and its verbose log ignores MsiHiddenProperties.
#
#   msi_wine_test.sh SOURCE_DIR CROSS_BUILD_DIR     exit 77: no mingw-w64, wixl or wine
#   KEEP=1 msi_wine_test.sh ...                     keeps the MSIs, logs and Wine prefix
set -euo pipefail
src="$1"
cross="$2"
for tool in x86_64-w64-mingw32-g++-posix wixl wine; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
if [[ ! -f "$cross/build.ninja" ]]; then
    cmake -S "$src/installer/windows/cross" -B "$cross" -G Ninja \
        -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/mingw-w64-x86_64.cmake" >/dev/null
fi
cmake --build "$cross" -j2 >/dev/null
work="$(mktemp -d)"
for v in 0.1.0 0.2.0 0.1.5; do
    "$src/installer/windows/build_msi.sh" "$cross" "$work/agent-$v.msi" "$v" >/dev/null
done
export WINEPREFIX="$work/wine" WINEDEBUG=-all
mkdir -p "$WINEPREFIX"
wineserver -p  # one Wine session throughout (see cross_build.sh)
trap 'wineserver -k || true; [[ -n "${KEEP:-}" ]] || rm -rf "$work"' EXIT
win() { echo "Z:${1//\//\\}"; }
msiexec() { timeout 300 wine msiexec "$@" >/dev/null 2>&1; }
state() { timeout 60 wine sc query ContractSyncAgent 2>/dev/null | tr -d '\r' | awk '/STATE/ {print $4}'; }
data="$WINEPREFIX/drive_c/ProgramData/ContractSync/Agent"
failures=0
check() {
    if eval "$1"; then echo "PASS $2"; else echo "FAIL $2"; failures=$((failures + 1)); fi
}

# A well-formed site key made now; no fixture holds one.
key="cs_site_$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 43)"
msiexec /i "$(win "$work/agent-0.1.0.msi")" /qn SITE_KEY="$key" \
    RELAY_URL=wss://relay.example.com/v1/agent PROXY_URL=http://proxy.example.com:3128
check '[[ -f "$WINEPREFIX/drive_c/Program Files/ContractSync/Agent/contractsync-agent.exe" ]]' \
    "the executable is in Program Files"
check 'grep -F "\"url\": \"wss://relay.example.com/v1/agent\"" "$data/agent.json" >/dev/null' \
    "agent.json has RELAY_URL"
check 'grep -F "\"proxy\": \"http://proxy.example.com:3128\"" "$data/agent.json" >/dev/null' \
    "agent.json has PROXY_URL"
check '[[ -d "$data/drop" ]]' "the template's drop folder exists"
check '[[ -s "$data/secret-site_key.sealed" ]]' "SITE_KEY was piped to secret set and sealed"
check '! grep -r -a -F "$key" "$data" >/dev/null' "the site key is nowhere in plain text under ProgramData"
check '[[ "$(state)" == RUNNING ]]' "the service runs after install"
sealed="$(md5sum < "$data/secret-site_key.sealed")"

echo '// edited by the administrator' >> "$data/agent.json"
msiexec /i "$(win "$work/agent-0.2.0.msi")" /qn RELAY_URL=wss://elsewhere.example.com/v1/agent
check 'tail -1 "$data/agent.json" | grep -F "edited by the administrator" >/dev/null' \
    "an upgrade keeps the edited config"
check 'grep -F "wss://relay.example.com/v1/agent" "$data/agent.json" >/dev/null' \
    "an upgrade does not rewrite the config from new properties"
check '[[ "$(md5sum < "$data/secret-site_key.sealed")" == "$sealed" ]]' \
    "an upgrade without SITE_KEY keeps the sealed key"
check '[[ "$(state)" == RUNNING ]]' "the service runs after the upgrade"

# Both registered versions go (Wine kept 0.1.0 registered, see above).
msiexec /x "$(win "$work/agent-0.2.0.msi")" /qn
msiexec /x "$(win "$work/agent-0.1.0.msi")" /qn
check '! timeout 60 wine sc query ContractSyncAgent >/dev/null 2>&1' "uninstall removes the service"
check '[[ -f "$data/agent.json" && -f "$data/secret-site_key.sealed" ]]' \
    "uninstall keeps config and secrets"
# An older package than the installed one is refused. (Checked on a clean
# install: with two versions registered, Wine's FindRelatedProducts finds none.)
msiexec /i "$(win "$work/agent-0.2.0.msi")" /qn
if msiexec /i "$(win "$work/agent-0.1.5.msi")" /qn /l*v "$(win "$work/downgrade.log")"; then
    echo "FAIL an older package installed over a newer one"
    failures=$((failures + 1))
else
    check 'tr -d "\0" < "$work/downgrade.log" | grep -F "WIX_DOWNGRADE_DETECTED = {" >/dev/null' \
        "an older package is refused (the newer version was detected)"
fi

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
