/** IDENTIFY (0x09, empty) and its answer 0x89: NUL-terminated strings (PROTOCOL.md §5.6). */

/** The gateway's answer, verbatim: the panel already knows the existing gateway by it. */
export const GATEWAY_IDENTITY: readonly string[] = ["PLUM", "EcoNEXT", "", "", "", ""];

/** The controller's six strings in the capture. */
export const CONTROLLER_IDENTITY: readonly string[] = [
  "PLUM Sp. z o. o.",
  "ecoMAX360i klient ID 114",
  "1008026009",
  "1.00",
  "",
  "H2.3.0_S024.25_D0x69FC__",
];

/** The emulated ecoSTER's identity (PROTOCOL.md §17.2). */
export const THERMOSTAT_IDENTITY: readonly string[] = [
  "PLUM Sp. z o.o.",
  "ecoSTER_40",
  "0000000002",
  "03",
  "00",
  "H2.0.0_S001.24_D6AFC__",
];

/** Field names of the six identity strings, in order. */
export const IDENTITY_FIELDS = [
  "manufacturer",
  "model",
  "serial",
  "version",
  "subclass",
  "firmware",
] as const;

export function encodeIdentity(strings: readonly string[]): Buffer {
  return Buffer.concat(
    strings.map((text) => {
      if (text.includes("\0")) throw new RangeError("an identity string cannot contain NUL");
      return Buffer.concat([Buffer.from(text, "utf8"), Buffer.from([0])]);
    }),
  );
}

/**
 * Splits an identity answer into its strings. Never fails: a final string without NUL is kept,
 * bytes are decoded as UTF-8 with replacement.
 */
export function decodeIdentity(payload: Buffer): string[] {
  const strings: string[] = [];
  let start = 0;
  while (start < payload.length) {
    const nul = payload.indexOf(0, start);
    const stop = nul === -1 ? payload.length : nul;
    strings.push(payload.toString("utf8", start, stop));
    start = stop + 1;
  }
  return strings;
}
