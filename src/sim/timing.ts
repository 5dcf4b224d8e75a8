/**
 * The simulated panel's rhythm, by name. `field` is a real bus's (PROTOCOL.md §10.3, §21) and the
 * default of every way the simulator runs; `demo` is a faster one for a quick look, which the
 * dashboard banner and `/health` name whenever it is in effect. Kept free of imports so the
 * configuration schema and the HTTP API can name the profiles without loading the simulator.
 */

/** The panel's intervals on a real bus: the simulator's defaults (see `DEFAULT_OPTIONS`). */
export const FIELD_TIMING = {
  /** §10.3: `100 → 131` IDENTIFY (the poller's cue) every ~2.6 s [capture]. */
  panelCycleMs: 2_600,
  /** §10.3: a registered gateway gets the token about every ~10 s [docs]. */
  tokenGrantIntervalMs: 10_000,
  /** §10.3: 5 scanning IDENTIFY pairs in the 30 s capture (one every ~2 cycles). */
  scanIntervalMs: 5_000,
  /** §10.3: the thermostat poll every ~4 sweeps (~10 s) [capture]. */
  thermostatPollIntervalMs: 10_000,
  /** §10.3: the device table about every 30 s [docs]; once in the capture. */
  deviceTableIntervalMs: 30_000,
  /** §10.3: the clock broadcast once in the 30 s capture. */
  clockBroadcastIntervalMs: 30_000,
  /** §10.3: the 403–406 presence writes, after every other scan (3 times in the 30 s capture). */
  presenceWriteIntervalMs: 7_500,
} as const;

export const SIM_TIMING_NAMES = ["field", "demo"] as const;
export type SimTimingName = (typeof SIM_TIMING_NAMES)[number];

/** What a profile changes over {@link FIELD_TIMING} (simulation option names and values). */
export interface SimTimingOverrides {
  tokenGrantIntervalMs?: number;
  scanIntervalMs?: number;
  scanAddresses?: readonly number[];
}

export const SIM_TIMINGS: Readonly<Record<SimTimingName, SimTimingOverrides>> = {
  field: {},
  // A grant in every panel cycle, a scanning IDENTIFY in every cycle that has no thermostat poll,
  // and addresses a gateway can claim (105–130) early in the scan. The cycle itself, the poller's
  // sweeps and the wire speed stay as on a real bus.
  demo: {
    tokenGrantIntervalMs: 0,
    scanIntervalMs: 0,
    scanAddresses: [115, 195, 116, 101, 118, 102, 119, 164],
  },
};

/**
 * How often a registered gateway gets the token: the panel grants at most once per cycle, in the
 * first cycle at least `tokenGrantIntervalMs` after the last grant (a long token hold or a slow
 * sweep stretches a cycle, so this is the shortest interval).
 */
export function grantIntervalMs(options: { panelCycleMs: number; tokenGrantIntervalMs: number }): number {
  return Math.max(1, Math.ceil(options.tokenGrantIntervalMs / options.panelCycleMs)) * options.panelCycleMs;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s >= 5 ? String(Math.round(s)) : String(Math.round(s * 10) / 10);
}

/** E.g. "demo timing: the token comes every ~2.6 s here, every ~10 s on a real bus". */
export function simTimingSummary(name: SimTimingName): string {
  const field = `~${seconds(grantIntervalMs(FIELD_TIMING))} s`;
  if (name === "field") return `field timing: the token comes every ${field}, as on a real bus`;
  const here = grantIntervalMs({ ...FIELD_TIMING, ...SIM_TIMINGS[name] });
  return `${name} timing: the token comes every ~${seconds(here)} s here, every ${field} on a real bus`;
}

/** Whether `text` names a timing profile. */
export function isSimTimingName(text: unknown): text is SimTimingName {
  return typeof text === "string" && (SIM_TIMING_NAMES as readonly string[]).includes(text);
}
