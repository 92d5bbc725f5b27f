# Shared by the tests in this folder: a private Wine prefix, headless, with
# one wineserver for the whole test (when it exits between commands, the next
# command boots the prefix again and restarts its automatic services).
# Source it; do not run it.
#
#   wine_prefix DIR     use (create) the prefix in DIR; stops its wineserver on exit
#   win PATH            the Windows form of a Linux path (Z:\...)

wine_prefix() {
    export WINEPREFIX="$1" WINEDEBUG="${WINEDEBUG:--all}" WINEDLLOVERRIDES="mscoree,mshtml="
    mkdir -p "$WINEPREFIX"
    wineserver -k 2>/dev/null || true  # one left over from an interrupted run
    wineserver -p
    # The first command of a new prefix sets it up (about 10-25 s).
    timeout 300 wine cmd /c exit >/dev/null 2>&1 || true
}

win() { echo "Z:${1//\//\\}"; }

# require_windows_build DIR: the cross-built agent is there, or a clear reason.
require_windows_build() {
    if ! command -v wine >/dev/null; then
        echo "SKIP: wine is not installed"
        exit 77
    fi
    if [[ ! -f "$1/agent/contractsync-agent.exe" ]]; then
        echo "FAIL: $1/agent/contractsync-agent.exe is missing: run scripts/package windows"
        exit 1
    fi
}
