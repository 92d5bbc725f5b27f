#!/usr/bin/env bash
# Runs the agent's Windows tests (agent_windows_test.exe, tests/windows) under
# Wine: paths, files in use, the ACL rule, the Event Log sink, the service
# layer, time zones from the bundled database, and the portable tests of the
# file pipeline, SQLite, DPAPI and schedules.
#
#   windows_unit_test.sh WINDOWS_BUILD_DIR [gtest options]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/wine_env.sh"
build="$(cd "$1" && pwd)"
shift
require_windows_build "$build"
exe="$build/tests/windows/agent_windows_test.exe"
[[ -f "$exe" ]] || { echo "FAIL: $exe is missing: run scripts/package windows"; exit 1; }
wine_prefix "$build/wine-unit"
# What a failed earlier run left (a path past 260 characters outlives TempDir).
rm -rf "$WINEPREFIX"/drive_c/users/*/Temp/cs-*
trap 'wineserver -k || true' EXIT
export CONTRACTSYNC_TZDATA_DIR="$(win "$build/agent/tzdata")"
timeout 900 wine "$exe" --gtest_color=no "$@" 2>&1 | tr -d '\r'
exit "${PIPESTATUS[0]}"
