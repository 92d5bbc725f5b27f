#!/usr/bin/env bash
# Checks the systemd units in installer/linux without a running systemd:
# `systemd-analyze verify` inside a scratch root that holds the units, stub
# programs at the paths they start, and the host's stock units (for the
# targets they name); then `systemd-analyze security --offline` must rate
# each unit's exposure at most MAX_EXPOSURE.
#
#   verify_units.sh SOURCE_DIR [MAX_EXPOSURE]     exit 77: systemd-analyze missing
set -euo pipefail
src="$1"
max_exposure="${2:-2.0}"
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }

root=$(mktemp -d /tmp/cs-units.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/usr/lib/systemd" "$root/etc/systemd/system"
ln -s usr/bin "$root/bin"
cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
cp /bin/kill "$root/usr/bin/kill"
for program in contractsync-agent contractsync-relay; do
    printf '#!/bin/sh\nexit 0\n' > "$root/usr/bin/$program"
    chmod 755 "$root/usr/bin/$program"
done
cp "$src"/installer/linux/*.service "$root/usr/lib/systemd/system/"

status=0
for unit in contractsync-agent.service contractsync-relay.service; do
    if ! out=$(systemd-analyze verify --root="$root" "$unit" 2>&1) || [[ -n "$out" ]]; then
        echo "FAIL: systemd-analyze verify $unit:"
        echo "$out"
        status=1
        continue
    fi
    grep -q '^Type=notify$' "$root/usr/lib/systemd/system/$unit" || { echo "FAIL: $unit is not Type=notify"; status=1; }
    line=$(systemd-analyze security --offline=yes --root="$root" "$unit" 2>&1 | grep 'Overall exposure level' || true)
    exposure=$(sed -E 's/.*: ([0-9.]+) .*/\1/' <<<"$line")
    echo "$unit: verify OK; exposure ${exposure:-unknown} (limit $max_exposure)"
    if [[ -z "$exposure" ]] || ! awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
        echo "FAIL: $unit exposure '${exposure:-?}' is above $max_exposure"
        status=1
    fi
done
exit $status
