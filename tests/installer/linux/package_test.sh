#!/usr/bin/env bash
# Builds the .deb packages from BUILD_DIR with CPack, checks what they hold,
# then installs, upgrades, removes and purges them in a scratch root
# (dpkg --root with --force-script-chrootless: the maintainer scripts see the
# root as $DPKG_ROOT) without touching the host's packages, users or units.
#
#   package_test.sh BUILD_DIR      exit 77: dpkg-deb or cpack missing
set -euo pipefail
build="$1"
for tool in cpack dpkg dpkg-deb; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done

work=$(mktemp -d /tmp/cs-package.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; [[ -f "$work/root/dpkg.log" ]] && tail -20 "$work/root/dpkg.log" >&2; exit 1; }
has() { grep -qE -- "$2" <<<"$1" || fail "$3"; }

echo "== cpack"
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
agent_deb=$(ls "$work"/out/contractsync-agent_*.deb)
relay_deb=$(ls "$work"/out/contractsync-relay_*.deb)

echo "== contents"
contents=$(dpkg-deb -c "$agent_deb")
for path in ./usr/bin/contractsync-agent ./usr/lib/systemd/system/contractsync-agent.service \
            ./usr/lib/sysusers.d/contractsync-agent.conf ./etc/contractsync/agent.json \
            ./usr/share/doc/contractsync-agent/install-linux.md; do
    has "$contents" " $path\$" "agent package lacks $path"
done
grep -q "contractsync-relay" <<<"$contents" && fail "the agent package holds relay files"
info=$(dpkg-deb -I "$agent_deb")
has "$info" "Package: contractsync-agent" "agent package name"
has "$info" "Depends: .*libssl3" "agent Depends lacks libssl3 (dpkg-shlibdeps)"
has "$info" " postinst" "agent package has no postinst"
has "$info" " postrm" "agent package has no postrm"
has "$(dpkg-deb --ctrl-tarfile "$agent_deb" | tar -xO ./conffiles)" "^/etc/contractsync/agent.json$" \
    "agent.json is not a conffile"
relay_contents=$(dpkg-deb -c "$relay_deb")
for path in ./usr/bin/contractsync-relay ./usr/lib/systemd/system/contractsync-relay.service \
            ./etc/contractsync/relay.json ./usr/share/contractsync-relay/portal/index.html; do
    has "$relay_contents" " $path\$" "relay package lacks $path"
done
has "$(dpkg-deb --ctrl-tarfile "$relay_deb" | tar -xO ./conffiles)" "^/etc/contractsync/relay.json$" \
    "relay.json is not a conffile"

# A second, newer version of the same package: the upgrade path.
version=$(dpkg-deb -f "$agent_deb" Version)
dpkg-deb -R "$agent_deb" "$work/next"
sed -i "s/^Version: .*/Version: ${version}+next1/" "$work/next/DEBIAN/control"
dpkg-deb -b --root-owner-group "$work/next" "$work/agent-next.deb" >/dev/null

root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
dpkg_root() {
    dpkg --root="$root" --log="$root/dpkg.log" --force-script-chrootless --force-not-root \
        --force-depends --force-confdef --force-confold "$@" >>"$work/dpkg.out" 2>&1 \
        || { cat "$work/dpkg.out" >&2; fail "dpkg $*"; }
}
state="$root/var/lib/contractsync-agent"

echo "== install"
dpkg_root -i "$agent_deb"
[[ -x "$root/usr/bin/contractsync-agent" ]] || fail "binary not installed"
"$root/usr/bin/contractsync-agent" --version | grep -q "${version%%-*}" || fail "installed binary does not run"
"$root/usr/bin/contractsync-agent" check-config -c "$root/etc/contractsync/agent.json" >/dev/null \
    || fail "the packaged agent.json does not pass check-config"
ids=$(awk -F: '$1 == "contractsync-agent" { print $3 ":" $4 }' "$root/etc/passwd")
[[ -n "$ids" ]] || fail "postinst did not create the contractsync-agent account"
[[ "$(stat -c %u:%g "$state")" == "$ids" ]] || fail "state folder is not owned by the account"
[[ "$(stat -c %a "$state")" == 750 ]] || fail "state folder mode is $(stat -c %a "$state")"
[[ "$(stat -c %a "$root/etc/contractsync/agent.json")" == 640 ]] || fail "agent.json mode"
[[ "$(stat -c %g "$root/etc/contractsync/agent.json")" == "${ids#*:}" ]] || fail "agent.json group"
if command -v systemctl >/dev/null; then
    [[ -L "$root/etc/systemd/system/multi-user.target.wants/contractsync-agent.service" ]] \
        || fail "postinst did not enable the unit"
fi

echo "== upgrade keeps state and a changed config"
echo "outbox" > "$state/state.db"
echo '// changed by the administrator' >> "$root/etc/contractsync/agent.json"
dpkg_root -i "$work/agent-next.deb"
[[ "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' contractsync-agent)" == "${version}+next1" ]] \
    || fail "upgrade did not install the new version"
grep -q "changed by the administrator" "$root/etc/contractsync/agent.json" || fail "upgrade replaced the changed config"
[[ -f "$state/state.db" ]] || fail "upgrade lost the state"

echo "== remove keeps state and config"
dpkg_root -r contractsync-agent
[[ ! -e "$root/usr/bin/contractsync-agent" ]] || fail "remove left the binary"
[[ -f "$state/state.db" ]] || fail "remove deleted the state"
[[ -f "$root/etc/contractsync/agent.json" ]] || fail "remove deleted the config"
[[ ! -e "$root/etc/systemd/system/multi-user.target.wants/contractsync-agent.service" ]] \
    || fail "remove left the unit enabled"

echo "== purge deletes state and config"
dpkg_root -P contractsync-agent
[[ ! -e "$state" ]] || fail "purge left $state"
[[ ! -e "$root/etc/contractsync/agent.json" ]] || fail "purge left the config"

echo "== relay install and purge"
dpkg_root -i "$relay_deb"
grep -q '^contractsync-relay:' "$root/etc/passwd" || fail "no contractsync-relay account"
[[ -d "$root/var/lib/contractsync-relay" ]] || fail "no relay state folder"
# The shipped config serves the shipped portal: index.html and its hashed assets.
portal_dir=$(sed -n 's/.*"portal_dir": *"\([^"]*\)".*/\1/p' "$root/etc/contractsync/relay.json")
[[ "$portal_dir" == /usr/share/contractsync-relay/portal ]] \
    || fail "relay.json does not point api.portal_dir at the packaged portal: '$portal_dir'"
[[ -f "$root$portal_dir/index.html" ]] || fail "no portal at $portal_dir"
compgen -G "$root$portal_dir/assets/index-*.js" >/dev/null || fail "no hashed portal script in $portal_dir/assets"
dpkg_root -P contractsync-relay
[[ ! -e "$root/var/lib/contractsync-relay" ]] || fail "purge left the relay state"

echo "PASS: $(basename "$agent_deb") $(du -h "$agent_deb" | cut -f1), $(basename "$relay_deb") $(du -h "$relay_deb" | cut -f1)"
