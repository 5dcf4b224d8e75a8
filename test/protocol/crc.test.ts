import { describe, expect, it } from "vitest";
import { crc16Xmodem } from "../../src/protocol/crc.js";

describe("crc16Xmodem", () => {
  it("gives the XMODEM check value 0x31C3 for ASCII 123456789", () => {
    expect(crc16Xmodem(Buffer.from("123456789", "ascii"))).toBe(0x31c3);
  });

  it("matches the worked example of PROTOCOL.md §3", () => {
    expect(crc16Xmodem(Buffer.from([0x05, 0x00, 0x83, 0x00, 0x64, 0x00, 0x09]))).toBe(0x6327);
  });

  it("covers only the given range", () => {
    const bytes = Buffer.from([0xff, 0x05, 0x00, 0x83, 0x00, 0x64, 0x00, 0x09, 0xee]);
    expect(crc16Xmodem(bytes, 1, 8)).toBe(0x6327);
  });
});
