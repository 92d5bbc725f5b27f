# Shared helpers for scripts/*. Source it; do not run it.

CS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CS_ROOT

cs_log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
cs_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the Debian packages in scripts/lib/packages.txt (plus any given as
# arguments) that are missing. Skips apt entirely when everything is present.
cs_install_deps() {
    local wanted=() missing=() pkg
    while read -r pkg; do
        [[ -z "$pkg" || "$pkg" == \#* ]] && continue
        wanted+=("$pkg")
    done < "$CS_ROOT/scripts/lib/packages.txt"
    wanted+=("$@")
    for pkg in "${wanted[@]}"; do
        # NodeSource's nodejs package bundles npm and conflicts with Debian's.
        [[ "$pkg" == npm ]] && command -v npm >/dev/null && continue
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    cs_log "installing missing packages: ${missing[*]}"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ccache keys on paths relative to the checkout, so every clone on a machine
# (CI's fresh clones included) shares one cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$CS_ROOT}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"

# cs_build <build-dir> [cmake args...]: configure (once) and build with Ninja.
cs_build() {
    local dir="$1"; shift
    if [[ ! -f "$dir/build.ninja" ]]; then
        cmake -S "$CS_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
    elif [[ $# -gt 0 ]]; then
        cmake "$dir" "$@" >/dev/null
    fi
    cs_log "building in $dir"
    cmake --build "$dir" -- -k 0
}
