#!/usr/bin/env bash
# Checks deploy/econet-gm3-gateway.service with systemd-analyze: `verify` (syntax, known keys and
# values, dependencies) and the offline `security` review (exposure must stay at most 3.0/10).
# systemd-analyze exits 0 on many parse errors, so any line it prints fails the check. ExecStart
# names where npm puts the binary on a Pi, which need not exist here: a copy points it at
# /bin/true (same arguments) for the check.
set -euo pipefail
cd "$(dirname "$0")/.."
unit=deploy/econet-gm3-gateway.service
command -v systemd-analyze >/dev/null 2>&1 || {
  echo "verify-systemd-unit: systemd-analyze not found (Debian package: systemd)" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copy="$work/$(basename "$unit")"
grep -q '^ExecStart=/[^ ]*econet-gm3-gateway serve$' "$unit" ||
  { echo "verify-systemd-unit: $unit: ExecStart must run '<path>/econet-gm3-gateway serve'" >&2; exit 1; }
sed 's|^ExecStart=[^ ]*|ExecStart=/bin/true|' "$unit" >"$copy"

set +e
output=$(systemd-analyze verify --man=no "$copy" 2>&1)
status=$?
set -e
if [ "$status" -ne 0 ] || [ -n "$output" ]; then
  printf '%s\n' "$output" | sed "s|$work/|deploy/|g" >&2
  echo "verify-systemd-unit: systemd-analyze verify found problems in $unit (exit $status)" >&2
  exit 1
fi
echo "$unit: systemd-analyze verify: no problems"

set +e
security=$(systemd-analyze security --offline=yes --threshold=30 "$copy" 2>&1)
status=$?
set -e
level=$(printf '%s\n' "$security" | grep -o 'Overall exposure level for [^:]*: .*' || true)
if [ "$status" -ne 0 ] || [ -z "$level" ]; then
  printf '%s\n' "$security" >&2
  echo "verify-systemd-unit: the hardening of $unit got weaker (exposure above 3.0; exit $status)" >&2
  exit 1
fi
echo "$unit: systemd-analyze security: ${level#Overall exposure level for }"
