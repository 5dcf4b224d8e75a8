import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc16Xmodem } from "../../src/protocol/crc.js";
import { CAPTURED, CRC_EXAMPLE, GATEWAY, hex } from "./vectors.js";

/** Bit-by-bit CRC-16/XMODEM, written straight from the definition, to check the table version. */
function referenceCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe("crc16Xmodem", () => {
  it("gives the XMODEM check value 0x31C3 for ASCII 123456789", () => {
    expect(crc16Xmodem(Buffer.from("123456789", "ascii"))).toBe(0x31c3);
  });

  it("matches the worked example of PROTOCOL.md §3", () => {
    expect(crc16Xmodem(hex(CRC_EXAMPLE.bytes))).toBe(CRC_EXAMPLE.crc);
  });

  it("is 0 for no bytes", () => {
    expect(crc16Xmodem(Buffer.alloc(0))).toBe(0);
  });

  it("covers only the given range", () => {
    const bytes = Buffer.from([0xff, 0x05, 0x00, 0x83, 0x00, 0x64, 0x00, 0x09, 0xee]);
    expect(crc16Xmodem(bytes, 1, 8)).toBe(0x6327);
  });

  it.each(Object.entries({ ...CAPTURED, ...GATEWAY }))(
    "verifies the big-endian CRC of the PROTOCOL.md §20 vector %s",
    (_name, text) => {
      const frame = hex(text);
      const crc = crc16Xmodem(frame, 1, frame.length - 3);
      expect(frame.readUInt16BE(frame.length - 3)).toBe(crc);
    },
  );

  it("agrees with the bit-by-bit definition for any bytes and range", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
        expect(crc16Xmodem(bytes, start, end)).toBe(referenceCrc(bytes.subarray(start, end)));
      }),
      { numRuns: 300 },
    );
  });
});
