import { describe, expect, it } from "vitest";
import { crc16Xmodem } from "../../src/protocol/crc.js";
import { Framer } from "../../src/protocol/framer.js";
import { bytewise, feed, frameBytes, recordingFramer, splitAt, summary } from "./framer-helpers.js";
import { CAPTURED, GATEWAY, hex } from "./vectors.js";

const identify = () => hex(CAPTURED.identify);
const tokenReturn = () => hex(GATEWAY.tokenReturn);
const deviceTable = () => hex(CAPTURED.deviceTable);
const clock = () => hex(CAPTURED.clock);
const allVectors = () => [...Object.values(CAPTURED), ...Object.values(GATEWAY)].map(hex);

describe("Framer: finding frames", () => {
  it("emits a single whole frame with its fields, raw bytes and offset", () => {
    const { framer, discards } = recordingFramer();
    const [frame, ...rest] = framer.push(hex(CAPTURED.modifyResponse));
    expect(rest).toEqual([]);
    expect(frame).toMatchObject({ destination: 100, source: 1, command: 0xa9, offset: 0 });
    expect(frame!.payload).toEqual(Buffer.from([0xe5]));
    expect(frame!.raw).toEqual(hex(CAPTURED.modifyResponse));
    expect(discards).toEqual([]);
    expect(framer.pendingBytes).toBe(0);
    expect(framer.stats.frames).toBe(1);
  });

  it("emits back-to-back frames from one chunk in wire order with their offsets", () => {
    const vectors = allVectors();
    const stream = Buffer.concat(vectors);
    const { framer, discards } = recordingFramer();
    const frames = framer.push(stream);
    expect(frames.map((f) => f.raw.toString("hex"))).toEqual(vectors.map((v) => v.toString("hex")));
    let offset = 0;
    for (const [i, frame] of frames.entries()) {
      expect(frame.offset).toBe(offset);
      offset += vectors[i]!.length;
    }
    expect(discards).toEqual([]);
    expect(framer.stats.discardedBytes).toBe(0);
  });

  it("reassembles a frame split across chunks", () => {
    const { framer } = recordingFramer();
    const bytes = hex(CAPTURED.clock);
    expect(framer.push(bytes.subarray(0, 2))).toEqual([]);
    expect(framer.pendingBytes).toBe(2);
    expect(framer.push(bytes.subarray(2, 20))).toEqual([]);
    expect(framer.pendingBytes).toBe(20);
    const frames = framer.push(bytes.subarray(20));
    expect(frames.map(summary)).toEqual([{ offset: 0, raw: bytes.toString("hex") }]);
    expect(framer.pendingBytes).toBe(0);
  });

  it("works when fed one byte at a time", () => {
    const vectors = allVectors();
    const stream = Buffer.concat(vectors);
    const { framer, discards } = recordingFramer();
    const frames = feed(framer, bytewise(stream));
    expect(frames.map((f) => f.raw.toString("hex"))).toEqual(vectors.map((v) => v.toString("hex")));
    expect(discards).toEqual([]);
  });

  it("emits the first frame and keeps the start of the next when a chunk ends mid-frame", () => {
    const stream = Buffer.concat([identify(), tokenReturn()]);
    const { framer } = recordingFramer();
    expect(framer.push(stream.subarray(0, 14)).map(summary)).toEqual([
      { offset: 0, raw: CAPTURED.identify.replace(/ /g, "") },
    ]);
    expect(framer.pendingBytes).toBe(3);
    expect(framer.push(stream.subarray(14)).map(summary)).toEqual([
      { offset: 11, raw: GATEWAY.tokenReturn.replace(/ /g, "") },
    ]);
  });

  it("copies what it keeps: later changes to the caller's chunk do not alter frames", () => {
    const bytes = hex(CAPTURED.modify);
    const { framer } = recordingFramer();
    const head = Buffer.from(bytes.subarray(0, 10));
    framer.push(head);
    head.fill(0);
    const [frame] = framer.push(Buffer.from(bytes.subarray(10)));
    expect(frame?.raw).toEqual(bytes);
    const whole = Buffer.from(bytes);
    const [copy] = framer.push(whole);
    whole.fill(0);
    expect(copy?.raw).toEqual(bytes);
    expect(copy?.payload.subarray(0, 8).toString()).toBe("USER-000");
  });

  it("accepts plain Uint8Array chunks", () => {
    const { framer } = recordingFramer();
    const bytes = new Uint8Array(hex(CAPTURED.noData));
    expect(framer.push(bytes.subarray(0, 4))).toEqual([]);
    expect(framer.push(bytes.subarray(4)).map((f) => f.command)).toEqual([0x7f]);
  });

  it("returns nothing for an empty chunk", () => {
    const { framer } = recordingFramer();
    expect(framer.push(new Uint8Array(0))).toEqual([]);
    expect(framer.pendingBytes).toBe(0);
  });

  it("keeps a frame whose payload contains 68 … 16 intact, whole or byte by byte", () => {
    // The payload looks like a frame start (68, LEN 5) and holds END markers, but is not a valid frame.
    const payload = hex("68 05 00 64 00 01 00 7f 00 00 16 68 16 16");
    const bytes = frameBytes({ destination: 100, source: 1, command: 0xe8, payload });
    for (const chunks of [[bytes], bytewise(bytes), splitAt(bytes, [9, 13])]) {
      const { framer, discards } = recordingFramer();
      const frames = feed(framer, chunks);
      expect(frames.map((f) => f.payload.toString("hex"))).toEqual([payload.toString("hex")]);
      expect(discards).toEqual([]);
    }
  });

  it("keeps the device-table frame (a float 68 38 97 41 in its payload) intact when fed byte by byte", () => {
    const stream = Buffer.concat([deviceTable(), identify()]);
    const { framer, discards } = recordingFramer();
    const frames = feed(framer, bytewise(stream));
    expect(frames.map((f) => f.offset)).toEqual([0, 27]);
    expect(discards).toEqual([]);
  });
});

describe("Framer: resynchronising", () => {
  it("drops garbage before a frame and reports it as no-begin-marker", () => {
    const garbage = hex("00 11 22 33 16 16");
    const { framer, discards } = recordingFramer();
    const frames = framer.push(Buffer.concat([garbage, identify()]));
    expect(frames.map(summary)).toEqual([{ offset: 6, raw: identify().toString("hex") }]);
    expect(discards).toEqual([{ offset: 0, length: 6, reason: "no-begin-marker", bytes: garbage }]);
    expect(framer.stats.discardedBytes).toBe(6);
  });

  it("drops a frame with a CRC error and emits the good frame after it", () => {
    const bad = hex(CAPTURED.modify);
    bad[20] = 0x31; // corrupt the auth code
    const { framer, discards } = recordingFramer();
    const frames = framer.push(Buffer.concat([bad, identify()]));
    expect(frames.map(summary)).toEqual([{ offset: bad.length, raw: identify().toString("hex") }]);
    expect(framer.stats.crcErrors).toBe(1);
    expect(framer.stats.discardedBytes).toBe(bad.length);
    expect(discards[0]).toMatchObject({ offset: 0, length: 1, reason: "crc-mismatch" });
    expect(discards.reduce((n, d) => n + d.length, 0)).toBe(bad.length);
  });

  it("recovers after a CRC error when fed one byte at a time", () => {
    const bad = deviceTable();
    bad[16] = bad[16]! ^ 0xff;
    const stream = Buffer.concat([bad, clock(), identify()]);
    const { framer } = recordingFramer();
    const frames = feed(framer, bytewise(stream));
    expect(frames.map((f) => f.offset)).toEqual([bad.length, bad.length + clock().length]);
    expect(framer.stats.crcErrors).toBeGreaterThanOrEqual(1);
    expect(framer.stats.discardedBytes).toBe(bad.length);
  });

  it("skips a candidate with a wrong end marker one byte at a time", () => {
    const bad = identify();
    bad[10] = 0x00;
    const { framer, discards } = recordingFramer();
    const frames = framer.push(Buffer.concat([bad, tokenReturn()]));
    expect(frames.map((f) => f.offset)).toEqual([11]);
    expect(framer.stats.badEndMarkers).toBe(1);
    expect(discards[0]).toMatchObject({ offset: 0, length: 1, reason: "bad-end-marker" });
    expect(framer.stats.discardedBytes).toBe(11);
  });

  it("skips a begin marker whose LEN is impossible (above 1018 or below 5)", () => {
    const { framer, discards } = recordingFramer();
    const frames = framer.push(Buffer.concat([hex("68 fb 03 68 04 00"), identify()]));
    expect(frames.map((f) => f.offset)).toEqual([6]);
    expect(framer.stats.badLengths).toBe(2);
    expect(discards.map((d) => [d.offset, d.length, d.reason])).toEqual([
      [0, 1, "bad-length"],
      [1, 2, "no-begin-marker"],
      [3, 1, "bad-length"],
      [4, 2, "no-begin-marker"],
    ]);
  });

  it("does not stall behind a false 0x68 with a plausible LEN: emits a short valid frame with no further input", () => {
    // 68 23 00 … is the tail of a clock frame seen from its command byte: LEN 35 claims 41 bytes.
    const falseStart = clock().subarray(7, 20);
    const { framer, discards } = recordingFramer();
    const frames = framer.push(Buffer.concat([falseStart, identify()]));
    expect(frames.map(summary)).toEqual([{ offset: falseStart.length, raw: identify().toString("hex") }]);
    expect(framer.pendingBytes).toBe(0);
    expect(framer.stats.lookaheadResyncs).toBe(1);
    expect(discards).toEqual([
      { offset: 0, length: falseStart.length, reason: "skipped-to-later-frame", bytes: falseStart },
    ]);
  });

  it("does not stall behind a false 0x68 when the valid frames arrive byte by byte", () => {
    const falseStart = hex("68 fa 03 01 02 03"); // claims a 1024-byte frame
    const stream = Buffer.concat([falseStart, identify(), tokenReturn()]);
    const { framer } = recordingFramer();
    const seen: number[] = [];
    for (const [i, chunk] of bytewise(stream).entries()) {
      for (const frame of framer.push(chunk)) seen.push(frame.offset, i);
    }
    // Each frame comes out on its own last byte, not 1 KB later.
    expect(seen).toEqual([6, 16, 17, 31]);
  });

  it("keeps the buffer below one maximum frame after every push", () => {
    const falseStart = hex("68 fa 03");
    const { framer } = recordingFramer();
    const noise = Buffer.alloc(5000, 0x55);
    for (let i = 0; i < 5000; i += 7) noise[i] = 0x68;
    for (const chunk of [falseStart, ...splitAt(noise, [1, 100, 1021, 1022, 1023, 2047, 3000, 4999])]) {
      framer.push(chunk);
      expect(framer.pendingBytes).toBeLessThan(1024);
    }
    framer.push(Buffer.alloc(3000, 0x68));
    expect(framer.pendingBytes).toBeLessThan(1024);
  });

  it("ignores stale bytes left in its buffer beyond the pending data", () => {
    const { framer, discards } = recordingFramer();
    expect(framer.push(identify().subarray(0, 5))).toEqual([]);
    // Completes the frame and leaves "68 ff" pending; the old bytes behind it include a 0x68.
    expect(framer.push(Buffer.concat([identify().subarray(5), hex("68 ff")])).map((f) => f.offset)).toEqual([
      0,
    ]);
    expect(framer.pendingBytes).toBe(2);
    expect(framer.push(hex("ff 00"))).toEqual([]);
    expect(discards.map((d) => [d.offset, d.length, d.reason])).toEqual([
      [11, 1, "bad-length"],
      [12, 3, "no-begin-marker"],
    ]);
    expect(framer.pendingBytes).toBe(0);
  });

  it("handles a large chunk arriving while a frame is pending, and keeps working after it", () => {
    const { framer, discards } = recordingFramer();
    const frames = Array.from({ length: 500 }, (_, i) =>
      frameBytes({ payload: Buffer.alloc(i % 40, i & 0xff) }),
    );
    const stream = Buffer.concat([...frames, identify().subarray(0, 4)]);
    expect(framer.push(identify().subarray(0, 6))).toEqual([]);
    const big = Buffer.concat([identify().subarray(6), stream]);
    const out = framer.push(big);
    expect(out).toHaveLength(501);
    expect(out.at(-1)?.raw).toEqual(frames.at(-1));
    expect(framer.pendingBytes).toBe(4);
    expect(framer.push(identify().subarray(4)).map((f) => f.offset)).toEqual([6 + big.length - 4]);
    expect(discards).toEqual([]);
  });

  it("honours a smaller maxFrameLength and rejects an invalid one", () => {
    const big = frameBytes({ payload: Buffer.alloc(100, 1) });
    const { framer, discards } = recordingFramer({ maxFrameLength: 64 });
    expect(framer.push(Buffer.concat([big, identify()])).map((f) => f.offset)).toEqual([big.length]);
    expect(discards[0]).toMatchObject({ offset: 0, reason: "bad-length" });
    expect(() => new Framer({ maxFrameLength: 10 })).toThrow(
      /maxFrameLength must be an integer in 11..1024, got 10/,
    );
    expect(() => new Framer({ maxFrameLength: 1025 })).toThrow(RangeError);
    expect(() => new Framer({ maxFrameLength: 100.5 })).toThrow(RangeError);
  });
});

describe("Framer: discards, offsets and idle handling", () => {
  it("counts every discarded byte exactly once, with its stream offset and reason", () => {
    const badCrc = identify();
    badCrc[9] = badCrc[9]! ^ 1;
    const stream = Buffer.concat([hex("01 02"), badCrc, hex("68 ff ff"), tokenReturn(), hex("aa")]);
    const { framer, discards } = recordingFramer();
    const frames = feed(framer, splitAt(stream, [1, 5, 12, 20]));
    const trailing = framer.discardPartial();
    expect(frames.map((f) => f.offset)).toEqual([2 + 11 + 3]);
    expect(trailing).toBe(0); // the final 0xAA is no frame start: dropped at once
    const total = discards.reduce((n, d) => n + d.length, 0);
    expect(total).toBe(stream.length - tokenReturn().length);
    expect(framer.stats.discardedBytes).toBe(total);
    // Discards never overlap each other or the frame, and each carries the bytes at its offset.
    const covered = new Array<number>(stream.length).fill(0);
    for (const d of discards) {
      expect(d.bytes).toEqual(stream.subarray(d.offset, d.offset + d.length));
      for (let i = d.offset; i < d.offset + d.length; i++) covered[i]!++;
    }
    for (let i = 16; i < 16 + tokenReturn().length; i++) covered[i]!++;
    expect(covered.every((n) => n === 1)).toBe(true);
    expect(new Set(discards.map((d) => d.reason))).toEqual(
      new Set(["no-begin-marker", "crc-mismatch", "bad-length"]),
    );
  });

  it("discardPartial drops an incomplete candidate as partial-on-idle and keeps offsets continuous", () => {
    const { framer, discards } = recordingFramer();
    const partial = clock().subarray(0, 12);
    expect(framer.push(partial)).toEqual([]);
    expect(framer.pendingBytes).toBe(12);
    expect(framer.discardPartial()).toBe(12);
    expect(framer.pendingBytes).toBe(0);
    expect(discards).toEqual([{ offset: 0, length: 12, reason: "partial-on-idle", bytes: partial }]);
    expect(framer.stats.discardedBytes).toBe(12);
    expect(framer.push(identify()).map((f) => f.offset)).toEqual([12]);
    expect(framer.discardPartial()).toBe(0);
    expect(discards).toHaveLength(1);
  });

  it("reset forgets pending bytes without counting them, keeping offsets continuous", () => {
    const { framer, discards } = recordingFramer();
    framer.push(identify().subarray(0, 5));
    framer.reset();
    expect(framer.pendingBytes).toBe(0);
    expect(framer.stats.discardedBytes).toBe(0);
    expect(discards).toEqual([]);
    expect(framer.push(identify()).map((f) => f.offset)).toEqual([5]);
  });

  it("reports offsets across many chunks and discards", () => {
    const stream = Buffer.concat([identify(), hex("00 00 00"), deviceTable(), hex("68"), clock()]);
    const { framer } = recordingFramer();
    const frames = feed(framer, splitAt(stream, [3, 11, 13, 40, 41, 42, 50]));
    expect(frames.map((f) => f.offset)).toEqual([0, 14, 42]);
    expect(framer.stats.discardedBytes).toBe(4);
  });

  it("emits frames whose CRC is valid", () => {
    const { framer } = recordingFramer();
    for (const frame of framer.push(Buffer.concat(allVectors()))) {
      const crc = crc16Xmodem(frame.raw, 1, frame.raw.length - 3);
      expect(frame.raw.readUInt16BE(frame.raw.length - 3)).toBe(crc);
    }
  });
});
