/**
 * Fault settings from a compact text, for the command line:
 * `crc=0.01,drop=0.02,truncate=0.01,noise=0.05,latency=0.1:300,no-token`.
 */
import { type FaultOptions, validateFaults } from "./faults.js";

export class FaultSpecError extends Error {
  override readonly name = "FaultSpecError";
}

const RATE_KEYS: Readonly<Record<string, keyof FaultOptions>> = {
  crc: "crcErrorRate",
  drop: "dropResponseRate",
  truncate: "truncateRate",
  noise: "noiseRate",
};

export const FAULT_SPEC_HELP =
  "crc=R, drop=R, truncate=R, noise=R, latency=R:MS (R = probability 0..1), no-token; comma-separated";

function number(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new FaultSpecError(`${what}: "${text}" is not a number`);
  return value;
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
    const rateKey = RATE_KEYS[key];
    if (rateKey) {
      (faults as Record<string, number>)[rateKey] = number(value, key);
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
