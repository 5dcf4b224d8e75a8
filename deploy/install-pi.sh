#!/usr/bin/env bash
# Installs econet-gm3-gateway as a systemd service on a Raspberry Pi (or any Debian-like system with
# systemd): a dedicated user in the dialout group, the package (npm install -g), the unit, the udev
# rule for a stable /dev/econet-gm3, and a settings file. Safe to run again: it updates the package,
# unit and rule, keeps your settings, and restarts the service.
#
#   sudo deploy/install-pi.sh                      # from a clone: packs the clone (npm pack), installs that
#   sudo deploy/install-pi.sh --package ./econet-gm3-gateway-0.1.0.tgz   # a tarball (npm pack)
# The package is not published on the npm registry yet: without --package the script must run from
# a clone (git clone …, then sudo deploy/install-pi.sh there) or from the globally installed package.
#   deploy/install-pi.sh --dry-run                 # show what it would do, change nothing
set -euo pipefail

readonly SERVICE=econet-gm3-gateway
readonly SERVICE_USER=econet-gm3
readonly BIN_NAME=econet-gm3-gateway
# The oldest Node that still runs the gateway; supported are the LTS lines 22 and 24 (package.json engines).
readonly MIN_NODE=20.19.0
readonly CONFIG_DIR=/etc/econet-gm3-gateway
readonly ENV_FILE=$CONFIG_DIR/env
readonly STATE_HOME=/var/lib/econet-gm3-gateway
readonly UNIT_DEST=/etc/systemd/system/$SERVICE.service
readonly RULE_DEST=/etc/udev/rules.d/99-econet-gm3.rules

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
original_args=("$@")
readonly PACKAGE_NAME=econet-gm3-gateway
# Empty: pack the clone this script is in (the package is not on the npm registry yet).
package=""
dry_run=false
start=true

usage() {
  cat <<EOF
Usage: sudo $0 [--package SPEC] [--no-start] [--dry-run]

  --package SPEC   what 'npm install -g' installs: a tarball from 'npm pack', a folder, or a
                   registry name once published (default: pack the clone this script is in;
                   $PACKAGE_NAME is not on the npm registry yet)
  --no-start       enable the service but do not (re)start it now
  --dry-run        print every step, change nothing (no root needed)
  -h, --help       this help
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
  --package)
    [ $# -ge 2 ] || { echo "install-pi: --package needs a value" >&2; exit 2; }
    package=$2
    shift 2
    ;;
  --no-start) start=false; shift ;;
  --dry-run) dry_run=true; shift ;;
  -h | --help) usage; exit 0 ;;
  *) echo "install-pi: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }
die() {
  printf 'install-pi: %s\n' "$*" >&2
  exit 1
}
# Runs a command that changes the system; under --dry-run only prints it.
run() {
  if [ "$dry_run" = true ]; then
    printf '[dry-run] %s\n' "$*"
  else
    "$@"
  fi
}

# Version a.b.c >= minimum a.b.c?
version_at_least() {
  local IFS=.
  local -a have want
  read -r -a have <<<"$1"
  read -r -a want <<<"$2"
  for i in 0 1 2; do
    if ((${have[i]:-0} > ${want[i]:-0})); then return 0; fi
    if ((${have[i]:-0} < ${want[i]:-0})); then return 1; fi
  done
  return 0
}

# --- checks ---------------------------------------------------------------------------------
if [ "$dry_run" = false ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root: sudo $0 ${original_args[*]}"
fi
command -v systemctl >/dev/null 2>&1 || die "systemd is needed (systemctl not found)"
for file in "$here/$SERVICE.service" "$here/99-econet-gm3.rules"; do
  [ -f "$file" ] || die "missing $file: run this script from the package or repository's deploy/ folder"
done

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  die "Node.js $MIN_NODE or newer with npm is needed. On Raspberry Pi OS: install Node.js 22 or 24 LTS (e.g. from NodeSource), then run this again."
fi
node_version=$(node -p 'process.versions.node')
version_at_least "$node_version" "$MIN_NODE" ||
  die "Node.js $node_version is too old; $MIN_NODE or newer is needed (node --version)."
say "Node.js $node_version, npm $(npm --version)"

# Without --package: the global installation this script belongs to, or else the clone around it,
# packed like a release (npm pack builds it).
repo=$(cd "$here/.." && pwd)
pack_dir=""
made_dir=""
installed=false
if [ -z "$package" ]; then
  if [ "$repo" = "$(npm root --global)/$PACKAGE_NAME" ]; then
    # Run from the globally installed package: it is the package to use.
    installed=true
  elif [ -f "$repo/package.json" ] && [ -d "$repo/src" ] && [ -f "$repo/scripts/ensure-ready.mjs" ] &&
    grep -q "\"name\": \"$PACKAGE_NAME\"" "$repo/package.json"; then
    version=$(node -p 'require(process.argv[1]).version' "$repo/package.json")
    # npm pack runs as the clone's owner (not root), so that dist/ and node_modules stay theirs.
    as_owner=()
    owner=$(stat -c %U "$repo")
    if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ]; then as_owner=(runuser -u "$owner" --); fi
    if [ "$dry_run" = true ]; then
      pack_dir=${TMPDIR:-/tmp}/econet-gm3-pack
    else
      pack_dir=$(mktemp -d)
      made_dir=$pack_dir
      trap 'rm -rf "$made_dir"' EXIT
      [ ${#as_owner[@]} -eq 0 ] || chown "$owner" "$pack_dir"
    fi
    say "packing this clone ($repo, version $version) with npm pack"
    # The build needs the development dependencies; npm pack builds through 'prepack'.
    [ -d "$repo/node_modules" ] || run "${as_owner[@]}" env -C "$repo" npm ci --no-audit --no-fund
    run "${as_owner[@]}" env -C "$repo" npm pack --pack-destination "$pack_dir"
    package=$pack_dir/$PACKAGE_NAME-$version.tgz
    [ "$dry_run" = true ] || [ -f "$package" ] || die "npm pack wrote no $package"
  else
    die "$PACKAGE_NAME is not published on the npm registry yet, and $repo is neither a clone of it nor its global installation.
Install from a clone:  git clone https://github.com/econet-gm3/econet-gm3-gateway.git && cd $PACKAGE_NAME && sudo deploy/install-pi.sh
or from a tarball:     npm pack (in a clone), then sudo $0 --package ./$PACKAGE_NAME-<version>.tgz"
  fi
fi

# A tarball or folder given with --package (the clone's own tarball is already an absolute path).
if [ -z "$pack_dir" ]; then
  case "$package" in
  /* | ./* | ../* | *.tgz)
    [ -e "$package" ] || die "no such tarball or folder: $package"
    # npm install -g needs an absolute path, not a name.
    package=$(cd "$(dirname "$package")" && pwd)/$(basename "$package")
    ;;
  esac
fi

# --- user -----------------------------------------------------------------------------------
if id -u "$SERVICE_USER" >/dev/null 2>&1; then
  say "user $SERVICE_USER exists"
  id -nG "$SERVICE_USER" | tr ' ' '\n' | grep -qx dialout || run usermod -a -G dialout "$SERVICE_USER"
else
  say "creating system user $SERVICE_USER (group dialout for the serial port)"
  run useradd --system --user-group --groups dialout --home-dir "$STATE_HOME" --no-create-home \
    --shell /usr/sbin/nologin --comment "econet-gm3-gateway" "$SERVICE_USER"
fi

# --- package --------------------------------------------------------------------------------
if [ "$installed" = true ]; then
  say "using the package installed at $repo (npm install -g was done)"
else
  say "installing $package (npm install -g)"
  run npm install --global --omit=dev --no-audit --no-fund "$package"
fi
bin_path=$(npm prefix --global)/bin/$BIN_NAME
if [ "$dry_run" = false ]; then
  [ -x "$bin_path" ] || die "npm installed no $bin_path (npm prefix --global: $(npm prefix --global))"
  say "installed $("$bin_path" --version) at $bin_path"
fi

# --- unit, udev rule, settings --------------------------------------------------------------
say "installing $UNIT_DEST (ExecStart=$bin_path serve)"
unit=$(mktemp)
trap 'rm -f "$unit"; [ -z "$made_dir" ] || rm -rf "$made_dir"' EXIT
sed "s|^ExecStart=.*|ExecStart=$bin_path serve|" "$here/$SERVICE.service" >"$unit"
run install -m 0644 "$unit" "$UNIT_DEST"

say "installing $RULE_DEST (stable name /dev/econet-gm3)"
run install -m 0644 "$here/99-econet-gm3.rules" "$RULE_DEST"
if command -v udevadm >/dev/null 2>&1; then
  run udevadm control --reload-rules
  run udevadm trigger --subsystem-match=tty --action=add
fi

if [ -e "$ENV_FILE" ]; then
  say "keeping your settings in $ENV_FILE"
else
  say "writing settings template $ENV_FILE (edit it, then: sudo systemctl restart $SERVICE)"
  run install -d -m 0755 "$CONFIG_DIR"
  template=$(mktemp)
  trap 'rm -f "$unit" "$template"; [ -z "$made_dir" ] || rm -rf "$made_dir"' EXIT
  cat >"$template" <<'EOF'
# Settings of econet-gm3-gateway (KEY=value, one per line). All settings: econet-gm3-gateway config
# The adapter (a stable name from the udev rule), or tcp://HOST:PORT for ser2net / an RS-485-Ethernet
# converter. Unset = a simulated heat pump.
SERIAL_PORT=/dev/econet-gm3
#SERIAL_BAUD=115200
#API_PORT=8000
#API_KEY=
#MQTT_URL=mqtt://user:password@broker.local:1883
#READ_ONLY=false
#LOG_LEVEL=info
EOF
  # Group-readable by the service only: it may hold API keys and MQTT passwords.
  run install -m 0640 -o root -g "$SERVICE_USER" "$template" "$ENV_FILE"
fi

# --- service --------------------------------------------------------------------------------
run systemctl daemon-reload
run systemctl enable "$SERVICE.service"
if [ "$start" = true ]; then
  say "starting $SERVICE"
  run systemctl restart "$SERVICE.service"
  if [ "$dry_run" = false ]; then
    sleep 2
    systemctl is-active --quiet "$SERVICE.service" ||
      die "the service did not start: journalctl -u $SERVICE -n 50 --no-pager"
  fi
fi

say "done. Logs: journalctl -u $SERVICE -f   Status: curl http://localhost:8000/health"
[ "$dry_run" = false ] || say "dry run: nothing was changed"
