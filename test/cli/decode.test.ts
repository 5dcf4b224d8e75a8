import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { Command } from "../../src/protocol/constants.js";
import { encodeFrameOrThrow, type Frame } from "../../src/protocol/frame.js";
import { encodeGetParamsResponse } from "../../src/protocol/payloads/get-params.js";
import { encodeModifyRequest } from "../../src/protocol/payloads/modify-param.js";
import { encodeRangeRequest } from "../../src/protocol/payloads/range-request.js";
import { encodeDeviceTable } from "../../src/protocol/payloads/service.js";
import { TypeCode } from "../../src/protocol/types.js";
import { ensureBuiltCli } from "../helpers/built-cli.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const sharedCapture = join(repoRoot, "..", "shared", "fixtures", "serial_capture.bin");
const sharedDump = join(repoRoot, "..", "shared", "fixtures", "ecomax360i-parameters.json");
const sharedPresent = existsSync(sharedCapture) && existsSync(sharedDump);

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString("utf8");
    done();
  }
}

async function gm3(...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await runCli(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const frame = (f: Frame) => encodeFrameOrThrow(f);

/** A small capture built with the encoder: five frames from the panel, gateway and controller. */
const frames = [
  frame({ destination: 131, source: 100, command: Command.IDENTIFY, payload: Buffer.alloc(0) }),
  frame({
    destination: 1,
    source: 114,
    command: Command.GET_PARAMS,
    payload: encodeRangeRequest({ count: 3, firstIndex: 0 }),
  }),
  frame({
    destination: 114,
    source: 1,
    command: Command.GET_PARAMS_RESPONSE,
    payload: encodeGetParamsResponse(0, [
      { flag: 0xc2, type: TypeCode.STRING, value: "S024.25" },
      { flag: 0x01, type: TypeCode.UINT8, value: 7 },
      { flag: 0x02, type: TypeCode.FLOAT, value: Number.NaN },
    ]),
  }),
  frame({
    destination: 1,
    source: 114,
    command: Command.MODIFY_PARAM,
    payload: encodeModifyRequest({ user: "USER-000", code: "4096", index: 1, valueBytes: Buffer.from([8]) }),
  }),
  frame({
    destination: 0xffff,
    source: 100,
    command: Command.SERVICE,
    payload: encodeDeviceTable([
      { address: 100, temperature: 20.5 },
      { address: 165, temperature: 18.25 },
    ]),
  }),
];
const offsets = frames.map((_, i) => frames.slice(0, i).reduce((n, f) => n + f.length, 0));

let dir: string;
let clean: string;
let noisy: string;
let typesFile: string;
let noisyLayout: { garbage: Buffer; badCrc: Buffer; partial: Buffer };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gm3-decode-"));
  clean = join(dir, "clean.bin");
  writeFileSync(clean, Buffer.concat(frames));
  const badCrc = Buffer.from(frames[1]!);
  badCrc[9] = badCrc[9]! ^ 0xff;
  noisyLayout = { garbage: Buffer.from([0x00, 0x11, 0x22]), badCrc, partial: frames[4]!.subarray(0, 9) };
  noisy = join(dir, "noisy.bin");
  writeFileSync(
    noisy,
    Buffer.concat([noisyLayout.garbage, frames[0]!, badCrc, frames[2]!, noisyLayout.partial]),
  );
  typesFile = join(dir, "types.json");
  writeFileSync(
    typesFile,
    JSON.stringify({ 0: { info: 0x1c }, 1: { info: 0x34 }, 2: { info: 0x17 }, 10000: { info: 0x1c } }),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const LINE = /^ +(\d+) @(\d+) +(\S+) → (\S+) ([A-Z_]+(?:0x[0-9A-F]{2})?)(?: (.*))?$/;

describe("gm3 decode (in process)", () => {
  it("prints one line per frame: number, offset, source → destination, command, summary", async () => {
    const { code, stdout, stderr } = await gm3("decode", clean, "--types", typesFile);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const lines = stdout.split("\n");
    const frameLines = lines.filter((l) => LINE.test(l));
    expect(frameLines).toHaveLength(5);
    const parsed = frameLines.map((l) => LINE.exec(l)!.slice(1));
    expect(parsed.map(([n, offset]) => [Number(n), Number(offset)])).toEqual(
      offsets.map((o, i) => [i + 1, o]),
    );
    expect(frameLines).toEqual([
      `    1 @0       100(panel) → 131 IDENTIFY`,
      `    2 @11      114 → 1(controller) GET_PARAMS count 3 from #0`,
      `    3 @25      1(controller) → 114 GET_PARAMS_RESPONSE 3 values from #0: #0="S024.25" #1=7 #2=NaN`,
      `    4 @55      114 → 1(controller) MODIFY_PARAM USER-000/4096 #1 ← 08`,
      `    5 @84      100(panel) → 0xFFFF SERVICE device table: 100=20.5°C, 165=18.25°C`,
    ]);
    expect(lines.at(-2)).toBe(
      `5 frames in ${offsets[4]! + frames[4]!.length} bytes; 0 bytes discarded (0 trailing), 0 CRC errors`,
    );
  });

  it("without --types shows a GET_PARAMS response's header only", async () => {
    const { stdout } = await gm3("decode", clean);
    expect(stdout).toContain("    3 @25      1(controller) → 114 GET_PARAMS_RESPONSE 3 values from #0\n");
  });

  it("--json prints NDJSON: frames, then a summary", async () => {
    const { code, stdout } = await gm3("decode", clean, "--json", "--types", typesFile);
    expect(code).toBe(0);
    const records = stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.type)).toEqual(["frame", "frame", "frame", "frame", "frame", "summary"]);
    expect(records[2]).toMatchObject({
      type: "frame",
      frame: 3,
      offset: 25,
      length: frames[2]!.length,
      source: 1,
      destination: 114,
      command: 0xc0,
      commandName: "GET_PARAMS_RESPONSE",
      raw: frames[2]!.toString("hex"),
      message: {
        kind: "get-params-response",
        count: 3,
        firstIndex: 0,
        values: [
          { index: 0, flag: 0xc2, value: "S024.25" },
          { index: 1, flag: 0x01, value: 7 },
          { index: 2, flag: 0x02, value: null }, // NaN has no JSON form
        ],
      },
    });
    expect(records[3]).toMatchObject({
      message: { kind: "modify-request", request: { index: 1, valueBytes: "08" } },
    });
    expect(records[5]).toEqual({
      type: "summary",
      bytes: offsets[4]! + frames[4]!.length,
      frames: 5,
      discardedBytes: 0,
      crcErrors: 0,
      incompleteTrailingBytes: 0,
      commands: { IDENTIFY: 1, GET_PARAMS: 1, GET_PARAMS_RESPONSE: 1, MODIFY_PARAM: 1, SERVICE: 1 },
    });
  });

  it("shows discarded garbage, CRC errors and an incomplete tail", async () => {
    const { code, stdout } = await gm3("decode", noisy);
    expect(code).toBe(0);
    const { garbage, badCrc, partial } = noisyLayout;
    const lines = stdout.split("\n");
    expect(lines[0]).toBe(`    ! @0       3 byte(s) discarded (no-begin-marker)`);
    expect(lines[1]).toBe(`    1 @3       100(panel) → 131 IDENTIFY`);
    expect(lines.filter((l) => l.includes("discarded (crc-mismatch)"))).toEqual([
      `    ! @14      1 byte(s) discarded (crc-mismatch)`,
    ]);
    const frameLine = lines.find((l) => l.startsWith("    2 @"));
    const secondOffset = garbage.length + 11 + badCrc.length;
    expect(frameLine).toBe(
      `    2 @${String(secondOffset).padEnd(7)} 1(controller) → 114 GET_PARAMS_RESPONSE 3 values from #0`,
    );
    expect(lines.at(-2)).toBe(
      `2 frames in ${garbage.length + 11 + badCrc.length + frames[2]!.length + partial.length} bytes; ${garbage.length + badCrc.length + partial.length} bytes discarded (${partial.length} trailing), 1 CRC errors`,
    );
    const json = await gm3("decode", noisy, "--json");
    const records = json.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; reason?: string; offset: number });
    expect(records.filter((r) => r.type === "discard").map((r) => r.reason)).toContain("partial-on-idle");
    expect(records.at(-1)).toMatchObject({
      type: "summary",
      frames: 2,
      crcErrors: 1,
      incompleteTrailingBytes: partial.length,
    });
    const sorted = records.filter((r) => r.type !== "summary").map((r) => r.offset);
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
  });

  it("a missing file: one line on stderr, exit code 2, nothing on stdout", async () => {
    const missing = join(dir, "nope.bin");
    const { code, stdout, stderr } = await gm3("decode", missing);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `gm3 decode: cannot read capture ${missing}: no such file. Give the path of a raw capture (e.g. from 'gm3 sniff --record').\n`,
    );
  });

  it("an unreadable path (a directory): one line on stderr, exit code 2", async () => {
    const { code, stderr } = await gm3("decode", dir);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/cannot read capture .*: it is a directory\./);
  });

  it("a bad --types file: exit code 2 with the reason", async () => {
    const { code, stderr } = await gm3("decode", clean, "--types", join(dir, "missing.json"));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^gm3 decode: cannot read parameter types from .*missing\.json: ENOENT/);
    writeFileSync(join(dir, "empty.json"), "{}");
    expect((await gm3("decode", clean, "--types", join(dir, "empty.json"))).stderr).toMatch(
      /holds no parameter with an "info" type byte/,
    );
  });

  it("usage errors: no file, two files, an unknown option → exit code 2", async () => {
    expect(await gm3("decode")).toMatchObject({
      code: 2,
      stderr: "gm3 decode: decode takes exactly one capture file: gm3 decode <file>\n",
    });
    expect((await gm3("decode", clean, clean)).code).toBe(2);
    const unknown = await gm3("decode", clean, "--bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^gm3 decode: Unknown option '--bogus'/);
    expect(unknown.stderr).toContain("Run 'gm3 decode --help' for the options.");
    expect(unknown.stdout).toBe("");
  });

  it("--help prints the command's help and exits 0", async () => {
    const { code, stdout } = await gm3("decode", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("gm3 decode — decode a raw byte capture of the bus into frames");
    expect(stdout).toContain("Usage: gm3 decode <file> [--json] [--types <parameters.json>]");
    expect(stdout).toContain("--json");
    expect((await gm3("--help")).code).toBe(0);
    expect((await gm3("--help")).stdout).toMatch(/decode +decode a raw byte capture/);
    expect(await gm3("nonsense")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown command 'nonsense'/),
    });
  });

  it.skipIf(!sharedPresent)(
    `decodes the real capture: 444 frames, 0 discarded, every controller value decoded${sharedPresent ? "" : " — SKIPPED: ../shared/fixtures not found"}`,
    async () => {
      const { code, stdout } = await gm3("decode", sharedCapture, "--types", sharedDump);
      expect(code).toBe(0);
      const lines = stdout.split("\n");
      expect(lines.filter((l) => LINE.test(l))).toHaveLength(444);
      expect(lines.filter((l) => l.includes("discarded"))).toEqual([
        "444 frames in 69681 bytes; 0 bytes discarded (0 trailing), 0 CRC errors",
      ]);
      expect(lines.filter((l) => l.includes("not decoded") || l.includes("MALFORMED"))).toEqual([]);
      expect(lines.filter((l) => / GET_PARAMS_RESPONSE \d+ values from #\d+: /.test(l))).toHaveLength(182);
    },
  );
});

describe("gm3 decode (the built CLI, real exit codes)", () => {
  let cli: string;

  beforeAll(() => {
    cli = ensureBuiltCli();
  }, 150_000);

  function run(...args: string[]) {
    const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 20_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it("decodes a capture and exits 0", () => {
    const { code, stdout, stderr } = run("decode", clean);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n").filter((l) => LINE.test(l))).toHaveLength(5);
  });

  it("exits 2 with one line on stderr for a missing file", () => {
    const { code, stdout, stderr } = run("decode", join(dir, "nope.bin"));
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/^gm3 decode: cannot read capture .*nope\.bin: no such file\./);
  });

  it("exits 0 for --help and 2 for an unknown option", () => {
    expect(run("decode", "--help").code).toBe(0);
    expect(run("decode", clean, "--bogus").code).toBe(2);
  });

  it("exits 0 quietly when its reader goes away (gm3 decode big.bin | head)", async () => {
    const big = join(dir, "big.bin");
    writeFileSync(big, Buffer.concat(new Array(4000).fill(Buffer.concat(frames))));
    const child = spawn(process.execPath, [cli, "decode", big], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((done) => child.stdout.once("data", () => done()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.once("exit", (c) => done(c)));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
