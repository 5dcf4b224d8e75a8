/**
 * State is kept per bus target: what the gateway learnt on one bus (the address the panel granted,
 * the descriptor and value snapshot) must never be used on another — least of all what it learnt
 * on the simulator when it is then pointed at a real heat pump. Each target has its own folder,
 * `STATE_DIR/buses/<key>/`.
 *
 * What identifies a target:
 * - the built-in simulator: `sim` (never anything else);
 * - a TCP target (ser2net): `tcp-<host>-<port>`, the host in lower case;
 * - a serial adapter: its `/dev/serial/by-id/` name when the configured path is one or points to the
 *   same device as one (udev's name carries the adapter's USB serial number, so it survives
 *   `/dev/ttyUSB0` becoming `/dev/ttyUSB1` after a re-plug); otherwise the configured path. The
 *   key found for a configured path is remembered (`buses/targets.json`), so a start while the
 *   adapter is not plugged in yet (no by-id link to resolve) still finds the same folder.
 */
import { createHash } from "node:crypto";
import { readdir, realpath } from "node:fs/promises";
import { basename, join } from "node:path";
import { StateDirectory } from "./state-file.js";

/** The folder under STATE_DIR that holds one folder per bus target. */
export const BUSES_FOLDER = "buses";
/** Inside BUSES_FOLDER: configured serial path → key found for it. */
const ALIASES_FILE = "targets.json";
/** Inside each target's folder: what the folder is for (for people; the code does not read it). */
export const TARGET_FILE = "target.json";

export const DEFAULT_BY_ID_DIR = "/dev/serial/by-id";
const MAX_KEY_LENGTH = 100;

export type BusTargetKind = "sim" | "tcp" | "serial";

export interface BusTarget {
  /** The folder name under `buses/`. */
  key: string;
  kind: BusTargetKind;
  /** The target as configured (SERIAL_PORT, or sim://). */
  configured: string;
  /** How the key was found. */
  basis: "simulator" | "tcp" | "serial-by-id" | "serial-path" | "serial-remembered";
  /** The built-in simulator: its data is never real. */
  simulated: boolean;
}

/** A file-name-safe key: readable, with a short hash when it had to be cut. */
export function safeKey(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  if (safe.length <= MAX_KEY_LENGTH && safe.length > 0) return safe;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
  return `${safe.slice(0, MAX_KEY_LENGTH - 9)}-${hash}`;
}

/** `tcp://Host:4001` → `tcp-host-4001`; `tcp://[::1]:4001` → `tcp-__1-4001`. */
function tcpKey(target: string): string {
  const match = /^tcp:\/\/(\[[^\]]*\]|[^:/]*):(\d+)/i.exec(target);
  const host = (match?.[1] ?? target).replace(/^\[|\]$/g, "").toLowerCase();
  return safeKey(`tcp-${host}-${match?.[2] ?? ""}`);
}

async function resolvesTo(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/** The by-id name of the device at `path`, if udev made one. */
async function byIdName(path: string, byIdDir: string): Promise<string | undefined> {
  if (path.startsWith(`${byIdDir}/`)) return basename(path);
  const device = await resolvesTo(path);
  if (device === undefined) return undefined;
  let names: string[];
  try {
    names = await readdir(byIdDir);
  } catch {
    return undefined; // no udev (a container without /dev/serial), or no adapter at all
  }
  for (const name of names.sort()) {
    if ((await resolvesTo(join(byIdDir, name))) === device) return name;
  }
  return undefined;
}

function isAliases(value: unknown): value is { targets: Record<string, string> } {
  const targets = (value as { targets?: unknown } | null)?.targets;
  return (
    typeof targets === "object" &&
    targets !== null &&
    Object.values(targets).every((key) => typeof key === "string" && safeKey(key) === key)
  );
}

export interface ResolveOptions {
  /** Where udev's by-id links are (tests point it at a folder of their own). */
  byIdDir?: string;
}

/**
 * The target for a link (`kind` and `target` as the link reports them: `sim://`, `tcp://host:port`,
 * a device path). With a state directory, serial keys found through by-id are remembered there.
 */
export async function resolveBusTarget(
  kind: BusTargetKind,
  target: string,
  stateDir: StateDirectory | undefined,
  options: ResolveOptions = {},
): Promise<BusTarget> {
  if (kind === "sim") {
    return { key: "sim", kind, configured: target, basis: "simulator", simulated: true };
  }
  if (kind === "tcp")
    return { key: tcpKey(target), kind, configured: target, basis: "tcp", simulated: false };
  const aliasesAt = join(BUSES_FOLDER, ALIASES_FILE);
  const byId = await byIdName(target, options.byIdDir ?? DEFAULT_BY_ID_DIR);
  if (byId !== undefined) {
    const key = safeKey(`serial-by-id-${byId}`);
    if (stateDir && !target.startsWith(`${options.byIdDir ?? DEFAULT_BY_ID_DIR}/`)) {
      const aliases = (await stateDir.read(aliasesAt, isAliases)) ?? { targets: {} };
      if (aliases.targets[target] !== key) {
        aliases.targets[target] = key;
        await stateDir.write(aliasesAt, aliases);
      }
    }
    return { key, kind, configured: target, basis: "serial-by-id", simulated: false };
  }
  const remembered = stateDir ? (await stateDir.read(aliasesAt, isAliases))?.targets[target] : undefined;
  if (remembered !== undefined) {
    return { key: remembered, kind, configured: target, basis: "serial-remembered", simulated: false };
  }
  return {
    key: safeKey(`serial-${target}`),
    kind,
    configured: target,
    basis: "serial-path",
    simulated: false,
  };
}

/** The state directory of one target, and a note in it saying which target it is for. */
export async function targetStateDirectory(root: StateDirectory, target: BusTarget): Promise<StateDirectory> {
  const directory = new StateDirectory(join(root.path, BUSES_FOLDER, target.key));
  const note = await directory.read(TARGET_FILE, (v): v is { key: string } => typeof v === "object" && !!v);
  if (!note) {
    await directory.write(TARGET_FILE, {
      key: target.key,
      kind: target.kind,
      configured: target.configured,
      basis: target.basis,
      simulated: target.simulated,
      createdAt: new Date().toISOString(),
    });
  }
  return directory;
}
