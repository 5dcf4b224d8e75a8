/**
 * The identity of a real ecoSTER_40 (src/sim/profile/ecoster-40.json, from PROTOCOL.md §17.2): what
 * the simulated panel demands, byte for byte, from a thermostat that pairs or is probed.
 */
import reference from "./profile/ecoster-40.json" with { type: "json" };

export const ECOSTER_40_IDENTITY: Buffer = Buffer.from(reference.identityHex, "hex");

/** Where `answer` first differs from the reference (-1: identical). */
export function identityMismatchAt(answer: Buffer, expected: Buffer = ECOSTER_40_IDENTITY): number {
  const shared = Math.min(answer.length, expected.length);
  for (let i = 0; i < shared; i++) if (answer[i] !== expected[i]) return i;
  return answer.length === expected.length ? -1 : shared;
}
