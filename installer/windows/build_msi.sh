#!/usr/bin/env bash
# Builds contractsync-agent.msi with Debian's wixl from installer/windows/:
# the agent executable, the custom action DLL, the config template and the
# tz database are staged in one folder (wixl takes sources relative to it).
# scripts/package windows calls it with the cross-built, signed files.
#
#   build_msi.sh OUT.msi VERSION AGENT_EXE ACTIONS_DLL TZDATA_DIR
#
# VERSION is the MSI's ProductVersion (major.minor.patch, the project version).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[[ $# -eq 5 ]] || { echo "usage: build_msi.sh OUT.msi VERSION AGENT_EXE ACTIONS_DLL TZDATA_DIR" >&2; exit 2; }
out="$1"
version="$2"
agent="$3"
actions="$4"
tzdata="$5"
command -v wixl >/dev/null || { echo "error: wixl is not installed (Debian package wixl)" >&2; exit 1; }
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
    || { echo "error: MSI versions are major.minor.patch numbers, not '$version'" >&2; exit 1; }
for f in "$agent" "$actions" "$tzdata/version" "$tzdata/windowsZones.xml"; do
    [[ -f "$f" ]] || { echo "error: $f is missing (scripts/package windows builds it)" >&2; exit 1; }
done
[[ "$(head -c 2 "$agent")" == MZ ]] || { echo "error: $agent is not a Windows executable" >&2; exit 1; }
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$agent" "$stage/contractsync-agent.exe"
cp "$actions" "$stage/contractsync_msi_actions.dll"
cp -r "$tzdata" "$stage/tzdata"
cp "$here/agent.json.template" "$here/contractsync-agent.wxs" "$stage/"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
# wixl warns on stderr about attributes it ignores; an error fails the build.
(cd "$stage" && wixl -a x64 -D Version="$version" -o "$out" contractsync-agent.wxs)
echo "built $out ($(stat -c %s "$out") bytes, version $version)"
