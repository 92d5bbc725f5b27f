#!/usr/bin/env bash
# Builds the libraries the Windows agent links, from Debian 12 source packages,
# as static mingw-w64 (x86_64, posix threads) libraries into a prefix outside
# the clone, and prints that prefix. The prefix is keyed by the source versions
# built, the toolchain and this recipe: an unchanged key reuses the prefix at
# once (nothing is downloaded or compiled), a changed one builds a new prefix.
#
#   installer/windows/deps/build.sh            build (or reuse) and print the prefix
#   installer/windows/deps/build.sh --key      print the key only (downloads sources if needed)
#
# CS_DEPS_CACHE (default /var/cache/contractsync, or ~/.cache/contractsync when
# that is not writable) holds the downloaded sources and the prefixes.
# Sources: installer/windows/deps/sources.txt; docs/windows.md explains each choice.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

mode=build
[[ "${1:-}" == --key ]] && mode=key
cache="${CS_DEPS_CACHE:-/var/cache/contractsync}"
if ! mkdir -p "$cache" 2>/dev/null || [[ ! -w "$cache" ]]; then
    cache="${XDG_CACHE_HOME:-$HOME/.cache}/contractsync"
    mkdir -p "$cache"
fi
src_cache="$cache/sources"
mkdir -p "$src_cache"
target=x86_64-w64-mingw32
cc="$target-gcc-posix"
cxx="$target-g++-posix"
command -v "$cxx" >/dev/null || die "$cxx is missing (Debian package g++-mingw-w64-x86-64-posix)"
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"

# apt reads source packages only from deb-src entries: add one beside every
# Debian deb822 entry (same URIs, suites, components and keyring).
ensure_deb_src() {
    local list=/etc/apt/sources.list.d/contractsync-deb-src.sources
    [[ -f "$list" ]] && return 0
    grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && return 0
    grep -qs '^deb-src ' /etc/apt/sources.list && return 0
    log "adding deb-src entries for Debian's source packages ($list)"
    local tmp
    tmp="$(mktemp)"
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] || continue
        # Only Debian's own archives: third-party repositories rarely publish sources.
        grep -q 'debian-archive-keyring' "$f" || continue
        sed -n 's/^Types: *deb$/Types: deb-src/; p' "$f" >>"$tmp"
        echo >>"$tmp"
    done
    if [[ -f /etc/apt/sources.list ]]; then
        grep -E '^deb +(\[[^]]*\] +)?https?://[^ ]*debian' /etc/apt/sources.list \
            | sed 's/^deb /deb-src /' >"$tmp.list" || true
    fi
    if [[ -s "$tmp.list" ]]; then
        $sudo install -m 0644 "$tmp.list" /etc/apt/sources.list.d/contractsync-deb-src.list
    fi
    [[ -s "$tmp" ]] && $sudo install -m 0644 "$tmp" "$list"
    rm -f "$tmp" "$tmp.list"
    $sudo apt-get update -qq
}

# Downloads one source package (its .dsc and tarballs, checked by apt against
# the signed Sources index) into the source cache unless it is there already.
# Prints the version used.
fetch_source() {
    local pkg="$1" pin="$2" plain="${2#*:}"
    if compgen -G "$src_cache/${pkg}_${plain}.dsc" >/dev/null; then
        echo "$pin"
        return 0
    fi
    ensure_deb_src
    local versions v
    # The pin first, then whatever else the archive lists, newest first.
    versions="$pin $(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' \
        | sort -u | sort -r -V | tr '\n' ' ')"
    for v in $versions; do
        if (cd "$src_cache" && apt-get source --download-only -qq "$pkg=$v" >/dev/null 2>&1); then
            [[ "$v" != "$pin" ]] && log "warning: $pkg $pin is not served; using $v"
            echo "$v"
            return 0
        fi
    done
    die "cannot download the source package $pkg (tried: $versions)"
}

declare -A version
while read -r pkg pin; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    version[$pkg]="$(fetch_source "$pkg" "$pin")"
done <"$here/sources.txt"

key_input() {
    for pkg in $(printf '%s\n' "${!version[@]}" | sort); do
        echo "$pkg ${version[$pkg]}"
    done
    "$cxx" --version | head -1
    "$target-ld" --version | head -1
    cmake --version | head -1
    (cd "$here" && find . -type f | sort | xargs sha256sum)
    # Relative names: where the clone is must not change the key.
    (cd "$root" && sha256sum cmake/toolchains/mingw-w64-x86_64.cmake)
}
key="$(key_input | sha256sum | cut -c1-16)"
prefix="$cache/mingw-$key"
if [[ "$mode" == key ]]; then
    echo "$key"
    exit 0
fi
if [[ -f "$prefix/.complete" ]]; then
    echo "$prefix"
    exit 0
fi

# One build per key at a time; a second caller waits and then reuses it.
exec 9>"$cache/.lock-$key"
flock 9
if [[ -f "$prefix/.complete" ]]; then
    echo "$prefix"
    exit 0
fi
log "building the Windows dependencies into $prefix (once per key $key)"
started=$SECONDS
work="$cache/work-$key"
# Installed in place (the libraries' CMake files record their prefix); the
# prefix counts only once .complete is written last.
stage="$prefix"
rm -rf "$work" "$stage"
mkdir -p "$work" "$stage"
# A failed build keeps its logs in $work for a look; a good one leaves nothing.
trap '[[ -f "$stage/.complete" ]] && rm -rf "$work" || { rm -rf "$stage"; log "logs kept in $work"; }' EXIT
jobs="${CS_DEPS_JOBS:-$(nproc)}"

# Unpacks a source package with its Debian patches applied (the security fixes
# Debian carries live there) and prints the tree's path.
unpack() {
    local pkg="$1" plain="${version[$1]#*:}"
    local dsc="$src_cache/${pkg}_${plain}.dsc"
    local dir="$work/src-$pkg"
    dpkg-source --no-check -x "$dsc" "$dir" >/dev/null 2>&1 || die "dpkg-source -x $dsc failed"
    echo "$dir"
}

toolchain="$root/cmake/toolchains/mingw-w64-x86_64.cmake"
cmake_cross() {
    local src="$1" build="$2"
    shift 2
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$stage" \
        -DCS_WINDOWS_DEPS="$stage" \
        -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
        "$@" >"$build.configure.log" 2>&1 || { tail -30 "$build.configure.log"; die "configure $src"; }
    cmake --build "$build" -j "$jobs" >"$build.log" 2>&1 || { tail -30 "$build.log"; die "build $src"; }
    cmake --install "$build" >/dev/null
}

# SQLite's amalgamation (sqlite3.c) is generated by tools that run on the build
# host (lemon, mkkeywordhash, tclsh scripts); the result is plain C.
log "sqlite3 ${version[sqlite3]}: amalgamation"
sqlite_src="$(unpack sqlite3)"
mkdir -p "$work/sqlite-host"
(cd "$work/sqlite-host" && "$sqlite_src/configure" --disable-tcl >/dev/null 2>&1 \
    && make -j "$jobs" sqlite3.c >/dev/null 2>&1) || die "generating the SQLite amalgamation failed"

log "zlib + minizip, sqlite3, simdjson, date/tz, xxhash"
zlib_src="$(unpack zlib)"
simdjson_src="$(unpack simdjson)"
date_src="$(unpack howardhinnant-date)"
xxhash_src="$(unpack xxhash)"
cmake_cross "$here/libs" "$work/libs" \
    -DZLIB_SRC="$zlib_src" -DSQLITE_AMALGAMATION="$work/sqlite-host" \
    -DSIMDJSON_SRC="$simdjson_src" -DDATE_SRC="$date_src" -DXXHASH_SRC="$xxhash_src"

# OpenSSL: static, every provider built in (no module or engine is ever loaded
# from disk), and OPENSSLDIR a folder only administrators can write: OpenSSL
# reads openssl.cnf from there, and an unprotected default (C:\usr\local\ssl)
# would let any local user configure the service's TLS.
log "openssl ${version[openssl]} (the longest step)"
openssl_src="$(unpack openssl)"
# Configure takes "C:/..." for a relative path on a Linux host, so the Windows
# paths are given to make, which compiles them in.
ssl_dir="C:/Program Files/ContractSync/Agent/ssl"
(cd "$openssl_src" && CC="$cc" CXX="$cxx" AR="$target-ar" RANLIB="$target-ranlib" \
    RC="$target-windres" ./Configure mingw64 no-shared no-module no-engine no-dso no-tests \
    no-legacy --prefix="$stage" --libdir=lib >"$work/openssl.configure.log" 2>&1 \
    && make -j "$jobs" build_libs OPENSSLDIR="$ssl_dir" ENGINESDIR="$ssl_dir/engines" \
        MODULESDIR="$ssl_dir/modules" >"$work/openssl.log" 2>&1 \
    && make install_dev >>"$work/openssl.log" 2>&1) \
    || { tail -30 "$work/openssl.configure.log" "$work/openssl.log" 2>/dev/null; die "building OpenSSL failed"; }
rm -f "$stage"/lib/pkgconfig/openssl.pc

# libcurl: HTTP(S) only, OpenSSL for TLS (the same verification as the uplink,
# with the Windows ROOT store added by the agent), SSPI for proxy sign-in.
log "curl ${version[curl]}"
curl_src="$(unpack curl)"
cmake_cross "$curl_src" "$work/curl" \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DCURL_STATICLIB=ON \
    -DHTTP_ONLY=ON -DCURL_DISABLE_LDAP=ON -DCURL_USE_OPENSSL=ON -DCURL_USE_SCHANNEL=OFF \
    -DOPENSSL_ROOT_DIR="$stage" -DOPENSSL_USE_STATIC_LIBS=ON -DCURL_USE_LIBSSH2=OFF \
    -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DCURL_ZLIB=ON \
    -DZLIB_INCLUDE_DIR="$stage/include" -DZLIB_LIBRARY="$stage/lib/libz.a" \
    -DENABLE_UNIX_SOCKETS=OFF -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none \
    -DCURL_DISABLE_COOKIES=ON -DENABLE_MANUAL=OFF

log "zstd ${version[libzstd]}"
zstd_src="$(unpack libzstd)"
cmake_cross "$zstd_src/build/cmake" "$work/zstd" -DZSTD_BUILD_PROGRAMS=OFF \
    -DZSTD_BUILD_SHARED=OFF -DZSTD_BUILD_STATIC=ON -DZSTD_BUILD_TESTS=OFF \
    -DZSTD_MULTITHREAD_SUPPORT=OFF -DZSTD_LEGACY_SUPPORT=OFF

# Debian's CVE patches test `#if XML_DTD == 1`; CMake's config header defines
# XML_DTD empty, so give it the value the patches expect.
log "expat ${version[expat]}"
expat_src="$(unpack expat)"
sed -i 's/^#cmakedefine XML_DTD$/#cmakedefine XML_DTD 1/' "$expat_src/expat/expat_config.h.cmake"
cmake_cross "$expat_src/expat" "$work/expat" -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_TOOLS=OFF \
    -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF \
    -DEXPAT_BUILD_PKGCONFIG=OFF -DEXPAT_MSVC_STATIC_CRT=OFF

# fmt and spdlog compiled once, as on Linux: in header-only mode every source
# file that logs would compile both libraries' implementation again.
log "fmt ${version[fmtlib]}, spdlog ${version[spdlog]}"
fmt_src="$(unpack fmtlib)"
cmake_cross "$fmt_src" "$work/fmt" -DFMT_TEST=OFF -DFMT_DOC=OFF -DFMT_INSTALL=ON \
    -DBUILD_SHARED_LIBS=OFF
spdlog_src="$(unpack spdlog)"
cmake_cross "$spdlog_src" "$work/spdlog" -DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_BUILD_SHARED=OFF \
    -DSPDLOG_BUILD_EXAMPLE=OFF -DSPDLOG_BUILD_TESTS=OFF -DSPDLOG_INSTALL=ON \
    -Dfmt_DIR="$stage/lib/cmake/fmt"

# GoogleTest, for the agent's tests that run under Wine (tests/agent/windows).
log "googletest ${version[googletest]}"
gtest_src="$(unpack googletest)"
cmake_cross "$gtest_src" "$work/googletest" -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON \
    -Dgtest_disable_pthreads=OFF

# The text tz database (Windows has none in IANA form) and CLDR's Windows zone
# names, installed beside the agent (installer/windows/contractsync-agent.wxs).
log "tzdata ${version[tzdata]}"
tz_src="$(unpack tzdata)"
mkdir -p "$stage/share/tzdata"
# Indented comment lines are left out: the date library prints every line it
# cannot parse to stderr, and only an unindented '#' is a comment to it.
for f in africa antarctica asia australasia backward etcetera europe northamerica \
    southamerica leapseconds version; do
    sed -E '/^[[:space:]]+#/d' "$tz_src/$f" >"$stage/share/tzdata/$f"
done

for pkg in $(printf '%s\n' "${!version[@]}" | sort); do
    echo "$pkg ${version[$pkg]}"
done >"$stage/SOURCES"
key_input >"$stage/KEY"
touch "$stage/.complete"
log "Windows dependencies built in $((SECONDS - started)) s"
echo "$prefix"
