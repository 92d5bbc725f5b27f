# The Windows agent, cross-built on this machine (docs/windows.md). Source it
# after common.sh; do not run it.

CS_WINDOWS_BUILD="${CS_WINDOWS_BUILD:-$CS_ROOT/build-windows}"

# cs_build_windows: the libraries from Debian source packages (built once per
# key into a prefix outside the clone, installer/windows/deps/build.sh), then
# contractsync-agent.exe, the MSI's custom action and the tests that run under
# Wine, into $CS_WINDOWS_BUILD.
cs_build_windows() {
    local prefix dir="$CS_WINDOWS_BUILD"
    prefix="$("$CS_ROOT/installer/windows/deps/build.sh")"
    local args=(-DCMAKE_TOOLCHAIN_FILE="$CS_ROOT/cmake/toolchains/mingw-w64-x86_64.cmake"
                -DCS_WINDOWS_DEPS="$prefix" -DCMAKE_BUILD_TYPE=Release -DCS_BUILD_BENCH=OFF)
    if [[ ! -f "$dir/build.ninja" ]] \
        || ! grep -qx "CS_WINDOWS_DEPS:[A-Z]*=$prefix" "$dir/CMakeCache.txt" 2>/dev/null; then
        cmake -S "$CS_ROOT" -B "$dir" -G Ninja "${args[@]}" >/dev/null
    fi
    cs_log "cross-building the Windows agent in $dir"
    cmake --build "$dir" -- -k 0
}

# The project version (major.minor.patch), which is the MSI's version.
cs_project_version() {
    sed -n 's/^project(ContractSync VERSION \([0-9.]*\).*/\1/p' "$CS_ROOT/CMakeLists.txt"
}

# cs_package_windows [--test-signing]: the Windows agent built, signed and
# packaged: $CS_WINDOWS_BUILD/contractsync-agent-<version>-x64.msi holding the
# signed contractsync-agent.exe, itself signed. Release signing reads the
# CS_SIGN_* variables (installer/windows/sign.sh); --test-signing uses a
# throwaway CA made in $CS_WINDOWS_BUILD/signing (what CI does).
cs_package_windows() {
    local sign=("$CS_ROOT/installer/windows/sign.sh")
    [[ "${1:-}" == --test-signing ]] && sign+=(--test-ca "$CS_WINDOWS_BUILD/signing")
    cs_build_windows
    local version stage="$CS_WINDOWS_BUILD/package"
    version="$(cs_project_version)"
    rm -rf "$stage"
    mkdir -p "$stage"
    cp "$CS_WINDOWS_BUILD/agent/contractsync-agent.exe" \
        "$CS_WINDOWS_BUILD/installer/windows/contractsync_msi_actions.dll" "$stage/"
    "${sign[@]}" "$stage/contractsync-agent.exe" "$stage/contractsync_msi_actions.dll" >/dev/null
    local msi="$CS_WINDOWS_BUILD/contractsync-agent-$version-x64.msi"
    "$CS_ROOT/installer/windows/build_msi.sh" "$msi" "$version" "$stage/contractsync-agent.exe" \
        "$stage/contractsync_msi_actions.dll" "$CS_WINDOWS_BUILD/agent/tzdata" >/dev/null
    "${sign[@]}" "$msi" >/dev/null
    cs_log "built $msi (signed$([[ ${#sign[@]} -gt 1 ]] && echo " with the test CA"))"
}
