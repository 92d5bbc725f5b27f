#!/usr/bin/env bash
# Builds contractsync-agent.msi with Debian's wixl from installer/windows/:
# the agent executable, the custom action DLL and the config template are
# staged in one folder (wixl takes sources relative to it).
#
#   build_msi.sh CROSS_BUILD_DIR OUT.msi [VERSION] [AGENT_EXE]
#
# CROSS_BUILD_DIR is a build of installer/windows/cross (it has
# contractsync_msi_actions.dll). VERSION defaults to the project version.
# AGENT_EXE defaults to the cross-built windows_platform_smoke.exe: CI cannot
# cross-build the whole agent (its dependencies have no mingw-w64 packages in
# Debian), so that MSI is a placeholder that proves the package; a release
# MSI passes the contractsync-agent.exe of the Windows build (docs/windows.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cross="$1"
out="$2"
version="${3:-}"
agent="${4:-$cross/windows_platform_smoke.exe}"
command -v wixl >/dev/null || { echo "SKIP: wixl is not installed (Debian package wixl)"; exit 77; }
if [[ -z "$version" ]]; then
    version="$(sed -n 's/^project(ContractSync VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"
fi
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] \
    || { echo "error: MSI versions are major.minor.build numbers, not '$version'"; exit 1; }
for f in "$agent" "$cross/contractsync_msi_actions.dll"; do
    [[ -f "$f" ]] || { echo "error: $f is missing (build installer/windows/cross first)"; exit 1; }
done
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$agent" "$stage/contractsync-agent.exe"
cp "$cross/contractsync_msi_actions.dll" "$here/agent.json.template" "$here/contractsync-agent.wxs" \
    "$stage/"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
# wixl warns on stderr about attributes it ignores; an error fails the build.
(cd "$stage" && wixl -a x64 -D Version="$version" -o "$out" contractsync-agent.wxs)
echo "built $out ($(stat -c %s "$out") bytes, version $version)"
