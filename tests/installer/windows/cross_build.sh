#!/usr/bin/env bash
# Cross-compiles the agent's Windows platform layer with mingw-w64
# (installer/windows/cross) and, when Wine is installed, runs its smoke
# program under Wine: the layer's checks outside a service, then the service
# life cycle through Wine's Service Control Manager (install, start -> RUNNING,
# stop -> STOPPED, uninstall). Wine runs in a private prefix under BUILD_DIR.
#
#   cross_build.sh SOURCE_DIR BUILD_DIR     exit 77: no mingw-w64 compiler
set -euo pipefail
src="$1"
out="$2"
command -v x86_64-w64-mingw32-g++-posix >/dev/null \
    || { echo "SKIP: g++-mingw-w64-x86-64-posix is not installed"; exit 77; }
if [[ ! -f "$out/build.ninja" ]]; then
    cmake -S "$src/installer/windows/cross" -B "$out" -G Ninja \
        -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/mingw-w64-x86_64.cmake" >/dev/null
fi
cmake --build "$out" -j2
smoke="$out/windows_platform_smoke.exe"
[[ "$(head -c 2 "$smoke")" == MZ ]] \
    || { echo "FAIL: windows_platform_smoke.exe is not a Windows executable"; exit 1; }
if ! command -v wine >/dev/null; then
    echo "built $smoke; wine is not installed, so it was not run"
    exit 0
fi

export WINEPREFIX="$out/wine" WINEDEBUG=-all
# One wineserver for the whole run: when it exits between commands, the next
# one boots the prefix again and starts the automatic services anew.
mkdir -p "$WINEPREFIX"
wineserver -k 2>/dev/null || true  # one left over from an interrupted run
wineserver -p
trap 'wine "$smoke" uninstall >/dev/null 2>&1 || true; wineserver -k || true' EXIT
timeout 300 wine "$smoke"

state() { timeout 60 wine sc query ContractSyncAgent | tr -d '\r' | awk '/STATE/ {print $4}'; }
wait_state() {
    local want="$1" got=""
    for _ in $(seq 1 50); do
        got="$(state)"
        [[ "$got" == "$want" ]] && return 0
        sleep 0.2
    done
    echo "FAIL: service state is '$got', expected $want"
    timeout 60 wine sc query ContractSyncAgent || true
    return 1
}
echo "service life cycle under Wine's Service Control Manager"
timeout 60 wine "$smoke" install
timeout 60 wine reg query 'HKLM\System\CurrentControlSet\Services\ContractSyncAgent' | tr -d '\r' \
    | grep 'ObjectName.*NT SERVICE\\ContractSyncAgent' >/dev/null \
    || { echo "FAIL: the service does not run as NT SERVICE\\ContractSyncAgent"; exit 1; }
timeout 60 wine reg query 'HKLM\System\CurrentControlSet\Services\EventLog\Application\ContractSyncAgent' \
    | tr -d '\r' | grep 'EventMessageFile.*windows_platform_smoke.exe' >/dev/null \
    || { echo "FAIL: the Event Log source does not point at the executable's messages"; exit 1; }
# sc's own exit code varies across Wine versions; the state is what counts.
timeout 60 wine sc start ContractSyncAgent 2>&1 | tr -d '\r' || true
wait_state RUNNING && echo "PASS started: RUNNING"
timeout 60 wine sc stop ContractSyncAgent >/dev/null
wait_state STOPPED && echo "PASS stopped: STOPPED"
timeout 60 wine "$smoke" uninstall
if timeout 60 wine sc query ContractSyncAgent >/dev/null 2>&1; then
    echo "FAIL: the service is still registered after uninstall"
    exit 1
fi
echo "PASS uninstalled"
