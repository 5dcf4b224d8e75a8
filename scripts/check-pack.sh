#!/usr/bin/env bash
# Proves that the published package works as a newcomer would use it: packs the repository
# (`npm pack`, which builds through `prepack`), checks what the tarball holds, installs it into an
# empty folder from the registry like `npx` would, and runs its commands there — including the
# default one, the gateway itself, until its API answers.
# Usage: scripts/check-pack.sh [--keep]   (--keep leaves the temporary folder for inspection)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

keep=false
[ "${1:-}" = "--keep" ] && keep=true
work=$(mktemp -d "${TMPDIR:-/tmp}/gm3-pack.XXXXXX")
sim_pid=""
serve_pid=""
gateway_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; fi
  if [ -n "$gateway_pid" ]; then kill "$gateway_pid" 2>/dev/null || true; fi
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; fi
  if [ "$keep" = true ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() {
  echo "check-pack: $*" >&2
  exit 1
}
# Runs a command, showing its output only when it fails.
quiet() {
  local log="$work/last.log"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "failed: $*"
  fi
}

version=$(node -p 'require("./package.json").version')
name=$(node -p 'require("./package.json").name')

echo "packing $name@$version…"
quiet npm pack --pack-destination "$work"
tarball="$work/$name-$version.tgz"
[ -f "$tarball" ] || fail "npm pack did not write $tarball"

# --- contents -------------------------------------------------------------------------------
tar -tzf "$tarball" | sed 's|^package/||' | sort >"$work/files.txt"
for required in package.json README.md config.example.yaml dist/cli.js dist/cli/main.js \
  profiles/ecomax360i.json deploy/install-pi.sh deploy/econet-gm3-gateway.service deploy/99-econet-gm3.rules \
  dist/web/index.html dist/catalog/expert-parameters.json dist/catalog/ecoster-parameters.json dist/catalog/ha-hints.json; do
  grep -qx "$required" "$work/files.txt" || fail "the tarball lacks $required"
done
# The dashboard's bundle (hashed names) and its precompressed copies.
for asset in 'dist/web/assets/app-[A-Z0-9]+\.js' 'dist/web/assets/app-[A-Z0-9]+\.css' 'dist/web/assets/app-[A-Z0-9]+\.js\.br'; do
  grep -qE "^$asset\$" "$work/files.txt" || fail "the tarball lacks the dashboard asset $asset"
done
unwanted=$(grep -E '^(src|test|bench|scripts|node_modules|coverage|test-results|\.state|\.ci)/|\.map$|\.ts$|^tsconfig|^vitest|^biome|^Dockerfile|^docker-compose|\.tgz$' \
  "$work/files.txt" || true)
[ -z "$unwanted" ] || fail "the tarball holds files users do not need:
$unwanted"
head -n 1 "$root/dist/cli.js" | grep -q '^#!/usr/bin/env node' || fail "dist/cli.js has no node shebang"
echo "tarball: $(wc -l <"$work/files.txt") files, $(du -k "$tarball" | cut -f1) KiB"

# --- install into an empty folder -----------------------------------------------------------
app="$work/app"
mkdir "$app"
cd "$app"
echo "installing the tarball into an empty folder…"
quiet npm install --no-audit --no-fund --omit=dev "$tarball"

# The commands run with a clean environment: nothing from this machine's configuration leaks in.
clean_env=(env -i "PATH=$PATH" "HOME=${HOME:-$work}" "TMPDIR=${TMPDIR:-/tmp}" "STATE_DIR=$work/state")

got=$("${clean_env[@]}" npx --no -- econet-gm3-gateway --version)
[ "$got" = "$version" ] || fail "npx econet-gm3-gateway --version printed '$got', expected '$version'"
echo "ok: npx econet-gm3-gateway --version → $got"

# A two-frame capture: the panel's IDENTIFY to 131, a gateway's GET_PARAMS 3 from #0.
node -e 'require("fs").writeFileSync(process.argv[1], Buffer.from(process.argv[2], "hex"))' \
  capture.bin 68050083006400096327166808000100720040030000f48816
decoded=$("${clean_env[@]}" npx --no -- gm3 decode capture.bin)
grep -q '100(panel) → 131 IDENTIFY' <<<"$decoded" || fail "gm3 decode missed the IDENTIFY frame:
$decoded"
grep -q '^2 frames in 25 bytes; 0 bytes discarded (0 trailing), 0 CRC errors$' <<<"$decoded" ||
  fail "gm3 decode summary is wrong:
$decoded"
echo "ok: npx gm3 decode capture.bin → 2 frames"

config=$("${clean_env[@]}" SERIAL_PORT=tcp://127.0.0.1:8899 npx --no -- gm3 config --json)
node -e '
  const report = JSON.parse(process.argv[1]);
  const port = report.settings?.SERIAL_PORT;
  if (port?.value !== "tcp://127.0.0.1:8899" || port.source !== "env") {
    console.error("check-pack: gm3 config --json does not show SERIAL_PORT from the environment:", port);
    process.exit(1);
  }
' "$config"
echo "ok: npx gm3 config --json → $(node -e 'console.log(Object.keys(JSON.parse(process.argv[1]).settings).length)' "$config") settings"

help=$("${clean_env[@]}" npx --no -- econet-gm3-gateway sim --help)
grep -q '^Usage: gm3 sim ' <<<"$help" || fail "sim --help printed no usage:
$help"
echo "ok: npx econet-gm3-gateway sim --help"

# The bundled profile is found from the installed package: sniff the built-in simulator.
"${clean_env[@]}" npx --no -- gm3 sniff --count 10 --duration 20 --record sniffed.bin >sniffed.txt 2>sniff.err ||
  fail "gm3 sniff on the built-in simulator failed: $(cat sniff.err)"
frames=$("${clean_env[@]}" npx --no -- gm3 decode --json sniffed.bin | tail -n 1 | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).frames')
[ "$frames" -ge 10 ] || fail "the recording of 10 sniffed frames decodes to $frames frames"
echo "ok: npx gm3 sniff (built-in simulator) → $frames frames recorded and decoded"

# The default command (serve) from the installed package: the built-in simulator behind the HTTP
# API, on a free port of 127.0.0.1 with its state in the temporary folder; it must answer
# /health and /api/parameters with 200, then stop cleanly on SIGTERM. npm does not pass SIGTERM on
# (see docs/install-pi.md), so the signal goes to the gateway process npx started, and npx must exit 0 with it.
api_port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
http_ok() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' "$1"
}
"${clean_env[@]}" API_HOST=127.0.0.1 API_PORT="$api_port" STATE_DIR="$work/serve-state" \
  npx --no -- econet-gm3-gateway >serve.log 2>&1 &
serve_pid=$!
serving=false
for _ in $(seq 240); do
  kill -0 "$serve_pid" 2>/dev/null || fail "npx econet-gm3-gateway exited before serving: $(cat serve.log)"
  if http_ok "http://127.0.0.1:$api_port/health" && http_ok "http://127.0.0.1:$api_port/api/parameters"; then
    serving=true
    break
  fi
  sleep 0.5
done
# The innermost process below npx (npx → maybe a shell → node): the gateway.
gateway_pid=$serve_pid
while child=$(pgrep -P "$gateway_pid" | head -n 1) && [ -n "$child" ]; do gateway_pid=$child; done
[ "$gateway_pid" != "$serve_pid" ] || fail "found no gateway process below npx (pid $serve_pid)"
[ "$serving" = true ] ||
  fail "npx econet-gm3-gateway did not answer /health and /api/parameters with 200 within 120 s: $(cat serve.log)"
kill -TERM "$gateway_pid"
status=0
wait "$serve_pid" || status=$?
serve_pid=""
gateway_pid=""
[ "$status" -eq 0 ] || fail "npx econet-gm3-gateway did not exit 0 on SIGTERM (exit $status): $(cat serve.log)"
grep -q '"event":"gateway.stopped"' serve.log || fail "the gateway did not log gateway.stopped: $(cat serve.log)"
echo "ok: npx econet-gm3-gateway (serve, built-in simulator) → /health and /api/parameters 200, exit 0 on SIGTERM"

# serialport's native binding loads from the installed package and reads a real tty: the
# simulator on a pseudo-terminal (socat), sniffed like a USB adapter.
if command -v socat >/dev/null 2>&1; then
  # The bin itself, not npx, so that SIGTERM reaches it.
  "${clean_env[@]}" node_modules/.bin/gm3 sim --pty "$work/tty" --fast >sim.log 2>&1 &
  sim_pid=$!
  for _ in $(seq 100); do [ -e "$work/tty" ] && break; sleep 0.1; done
  if ! "${clean_env[@]}" npx --no -- gm3 sniff --port "$work/tty" --count 5 --duration 20 >tty.txt 2>tty.err; then
    fail "gm3 sniff on a tty failed: $(cat tty.err) (simulator: $(cat sim.log))"
  fi
  kill -TERM "$sim_pid"
  status=0
  wait "$sim_pid" || status=$?
  sim_pid=""
  [ "$status" -eq 0 ] || fail "gm3 sim --pty did not stop cleanly on SIGTERM (exit $status): $(cat sim.log)"
  [ "$(grep -c . tty.txt)" -eq 5 ] || fail "expected 5 frames from the tty, got: $(cat tty.txt)"
  echo "ok: npx gm3 sniff --port <tty> (serialport's native binding) → 5 frames"
elif [ -n "${CI:-}" ]; then
  fail "socat is needed for the serial port check (apt-get install socat)"
else
  echo "skipped: the serial port check needs socat (apt-get install socat)"
fi

# The Pi installer ships in the package and plans its steps from there.
plan=$(bash "node_modules/$name/deploy/install-pi.sh" --dry-run --package "$tarball") ||
  fail "deploy/install-pi.sh --dry-run from the installed package failed:
$plan"
grep -q '^\[dry-run\] systemctl enable econet-gm3-gateway.service$' <<<"$plan" ||
  fail "install-pi.sh --dry-run did not plan to enable the service:
$plan"
echo "ok: deploy/install-pi.sh --dry-run from the installed package"

echo "check-pack: $name@$version packs, installs and runs"
