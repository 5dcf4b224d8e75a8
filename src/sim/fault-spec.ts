/**
 * Fault settings from a compact text, for the command line:
 * `crc=0.01,drop=0.02,truncate=0.01,noise=0.05,latency=0.1:300,no-token,silence=5000:2000:20000,stall=30000:25000,unplug=60000:3000`.
 * `silence`, `stall` and `unplug` take `AFTER_MS:DURATION_MS[:EVERY_MS]` on the simulation's clock.
 */
import { type FaultOptions, type FaultSchedule, validateFaults } from "./faults.js";

export class FaultSpecError extends Error {
  override readonly name = "FaultSpecError";
}

const RATE_KEYS: Readonly<Record<string, keyof FaultOptions>> = {
  crc: "crcErrorRate",
  drop: "dropResponseRate",
  truncate: "truncateRate",
  noise: "noiseRate",
};

const SCHEDULE_KEYS: Readonly<Record<string, "controllerSilence" | "linkUnplug" | "tokenStall">> = {
  silence: "controllerSilence",
  unplug: "linkUnplug",
  stall: "tokenStall",
};

export const FAULT_SPEC_HELP =
  "crc=R, drop=R, truncate=R, noise=R, latency=R:MS (R = probability 0..1), no-token, " +
  "silence=AFTER:DURATION[:EVERY] (controller ignores requests), stall=AFTER:DURATION[:EVERY] " +
  "(panel grants no token), unplug=AFTER:DURATION[:EVERY] (link drops; times in ms from the start); " +
  "comma-separated";

function number(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new FaultSpecError(`${what}: "${text}" is not a number`);
  return value;
}

function schedule(key: string, value: string): FaultSchedule {
  const parts = value.split(":");
  if (parts.length < 2 || parts.length > 3) {
    throw new FaultSpecError(
      `${key}: "${value}" must be AFTER_MS:DURATION_MS or AFTER_MS:DURATION_MS:EVERY_MS (e.g. ${key}=5000:2000:20000)`,
    );
  }
  const [after = "", duration = "", every] = parts;
  const result: FaultSchedule = {
    afterMs: number(after, `${key} AFTER_MS`),
    durationMs: number(duration, `${key} DURATION_MS`),
  };
  if (result.afterMs < 0) throw new FaultSpecError(`${key} AFTER_MS must be ≥ 0, got ${after}`);
  if (result.durationMs <= 0) throw new FaultSpecError(`${key} DURATION_MS must be > 0, got ${duration}`);
  if (every !== undefined) {
    result.everyMs = number(every, `${key} EVERY_MS`);
    if (result.everyMs <= result.durationMs) {
      throw new FaultSpecError(
        `${key} EVERY_MS (${every}) must be longer than DURATION_MS (${duration}): the next one starts after this one ends`,
      );
    }
  }
  return result;
}

export function parseFaultSpec(spec: string): Partial<FaultOptions> {
  const faults: Partial<FaultOptions> = {};
  for (const part of spec
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = "", value] = part.split("=", 2);
    if (key === "no-token" && value === undefined) {
      faults.tokenGrants = false;
      continue;
    }
    if (value === undefined) throw new FaultSpecError(`fault "${part}" needs a value (${FAULT_SPEC_HELP})`);
    const rateKey = Object.hasOwn(RATE_KEYS, key) ? RATE_KEYS[key] : undefined;
    const scheduleKey = Object.hasOwn(SCHEDULE_KEYS, key) ? SCHEDULE_KEYS[key] : undefined;
    if (rateKey) {
      (faults as Record<string, number>)[rateKey] = number(value, key);
    } else if (scheduleKey) {
      faults[scheduleKey] = schedule(key, value);
    } else if (key === "latency") {
      const [rate = "", ms] = value.split(":", 2);
      faults.extraLatencyRate = number(rate, "latency rate");
      faults.extraLatencyMs = ms === undefined ? 200 : number(ms, "latency ms");
    } else {
      throw new FaultSpecError(`unknown fault "${key}" (${FAULT_SPEC_HELP})`);
    }
  }
  try {
    validateFaults(faults);
  } catch (error) {
    throw new FaultSpecError((error as Error).message);
  }
  return faults;
}
