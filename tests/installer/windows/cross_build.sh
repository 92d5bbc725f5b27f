#!/usr/bin/env bash
# Cross-compiles the agent's Windows platform layer with mingw-w64
# (installer/windows/cross) and runs its smoke program under Wine when Wine
# is installed.
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
[[ "$(head -c 2 "$out/windows_platform_smoke.exe")" == MZ ]] \
    || { echo "FAIL: windows_platform_smoke.exe is not a Windows executable"; exit 1; }
if command -v wine >/dev/null; then
    WINEDEBUG=-all wine "$out/windows_platform_smoke.exe"
else
    echo "built $out/windows_platform_smoke.exe; wine is not installed, so it was not run"
fi
