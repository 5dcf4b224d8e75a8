/**
 * Framer benchmark: MB/s for framing, and for framing + interpreting (values decoded with the
 * controller's types), over the reference capture repeated to at least 50 MB.
 * Run: npx tsx bench/framer.ts   (without ../shared it synthesises an equivalent stream and says so)
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Address,
  Command,
  ecosterTypeOf,
  encodeFrameOrThrow,
  encodeGetParamsResponse,
  encodeRangeRequest,
  Framer,
  interpretFrame,
  THERMOSTAT_ADDRESS_RANGE,
  TypeCode,
  type TypeLookup,
} from "../src/protocol/index.js";

const TARGET_BYTES = 50 * 1024 * 1024;
const CHUNK_BYTES = [4096, 64];
const ROUNDS = 7;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = join(repoRoot, "..", "shared", "fixtures");
const capturePath = join(fixtures, "serial_capture.bin");
const dumpPath = join(fixtures, "ecomax360i-parameters.json");

interface Source {
  description: string;
  bytes: Buffer;
  controllerTypes: Map<number, number>;
}

function loadCapture(): Source {
  const controllerTypes = new Map<number, number>();
  const dump = JSON.parse(readFileSync(dumpPath, "utf8")) as Record<string, { info?: number }>;
  for (const [key, entry] of Object.entries(dump)) {
    const index = Number(key);
    if (index < 10_000 && typeof entry.info === "number") controllerTypes.set(index, entry.info & 0x0f);
  }
  return {
    description: `reference capture ${capturePath}`,
    bytes: readFileSync(capturePath),
    controllerTypes,
  };
}

/**
 * A stand-in with the capture's shape: 15-block poller sweeps (1447 values with the dump's type mix,
 * count 100 per request) plus IDENTIFY probes, built with the encoder.
 */
function synthesise(): Source {
  const mix: [number, number][] = [
    [TypeCode.UINT8, 672],
    [TypeCode.UINT32, 464],
    [TypeCode.FLOAT, 339],
    [TypeCode.UINT16, 236],
    [TypeCode.STRING, 100],
    [TypeCode.INT8, 45],
    [TypeCode.INT32, 9],
    [TypeCode.INT16, 4],
    [TypeCode.BOOL, 1],
  ];
  const types = mix.flatMap(([type, n]) => new Array<number>(n).fill(type));
  // Interleave deterministically so every block has a realistic mix.
  const controllerTypes = new Map<number, number>();
  for (let i = 0; i < types.length; i++) controllerTypes.set(i, types[(i * 7919) % types.length]!);
  const sample = (type: number, index: number): unknown =>
    type === TypeCode.STRING
      ? `S0${index % 100}.25`
      : type === TypeCode.FLOAT
        ? (index % 500) / 10
        : type === TypeCode.BOOL
          ? index % 2 === 1
          : index % 100;
  const frames: Buffer[] = [];
  for (let sweep = 0; sweep < 12; sweep++) {
    frames.push(
      encodeFrameOrThrow({
        destination: 131,
        source: Address.PANEL,
        command: Command.IDENTIFY,
        payload: Buffer.alloc(0),
      }),
    );
    for (let first = 0; first < controllerTypes.size; first += 100) {
      const count = Math.min(100, controllerTypes.size - first);
      frames.push(
        encodeFrameOrThrow({
          destination: 1,
          source: 0xffff,
          command: Command.GET_PARAMS,
          payload: encodeRangeRequest({ count, firstIndex: first }),
        }),
      );
      const values = Array.from({ length: count }, (_, i) => {
        const type = controllerTypes.get(first + i)!;
        return { flag: 0xc2, type, value: sample(type, first + i) };
      });
      frames.push(
        encodeFrameOrThrow({
          destination: 0xffff,
          source: 1,
          command: Command.GET_PARAMS_RESPONSE,
          payload: encodeGetParamsResponse(first, values),
        }),
      );
    }
  }
  return {
    description: "SYNTHETIC stream (../shared/fixtures not found): 12 sweeps built with the encoder",
    bytes: Buffer.concat(frames),
    controllerTypes,
  };
}

const source = existsSync(capturePath) && existsSync(dumpPath) ? loadCapture() : synthesise();
const repeats = Math.ceil(TARGET_BYTES / source.bytes.length);
const stream = Buffer.concat(new Array<Buffer>(repeats).fill(source.bytes));
// A dense table, as a parameter store would hold it: type code by wire index, 0 = unknown.
const controllerTypeTable = new Uint8Array(Math.max(...source.controllerTypes.keys()) + 1);
for (const [index, type] of source.controllerTypes) controllerTypeTable[index] = type;
const controllerLookup: TypeLookup = (index) => controllerTypeTable[index] || undefined;
const typeOf = (address: number): TypeLookup | undefined =>
  address === Address.CONTROLLER
    ? controllerLookup
    : address >= THERMOSTAT_ADDRESS_RANGE.first && address <= THERMOSTAT_ADDRESS_RANGE.last
      ? ecosterTypeOf
      : undefined;

interface Outcome {
  seconds: number;
  /** CPU time of this process: less disturbed than wall time on a shared machine. */
  cpuSeconds: number;
  frames: number;
  values: number;
  discarded: number;
}

function run(chunkBytes: number, interpret: boolean): Outcome {
  const framer = new Framer();
  let frames = 0;
  let values = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let offset = 0; offset < stream.length; offset += chunkBytes) {
    for (const frame of framer.push(stream.subarray(offset, offset + chunkBytes))) {
      frames++;
      if (interpret) {
        const message = interpretFrame(frame, { typeOf });
        if (message.kind === "get-params-response" && message.values) values += message.values.length;
      }
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    frames,
    values,
    discarded: framer.stats.discardedBytes,
  };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const megabytes = stream.length / 1e6;
console.log(`framer benchmark — ${source.description}`);
console.log(
  `stream: ${source.bytes.length} bytes × ${repeats} = ${megabytes.toFixed(1)} MB; median (and best) of ${ROUNDS} rounds after a warm-up`,
);
for (const chunkBytes of CHUNK_BYTES) {
  for (const interpret of [false, true]) {
    run(chunkBytes, interpret); // warm-up
    const outcomes = Array.from({ length: ROUNDS }, () => run(chunkBytes, interpret));
    const last = outcomes.at(-1)!;
    if (last.discarded !== 0)
      throw new Error(`the framer discarded ${last.discarded} bytes of a clean stream`);
    if (interpret && last.values === 0) throw new Error("no values were decoded");
    const seconds = median(outcomes.map((o) => o.seconds));
    const best = Math.min(...outcomes.map((o) => o.seconds));
    const cpuSeconds = median(outcomes.map((o) => o.cpuSeconds));
    const what = interpret ? "framing + interpreting" : "framing only          ";
    console.log(
      `${what}  chunks of ${String(chunkBytes).padStart(4)} B: ${(megabytes / seconds).toFixed(1).padStart(6)} MB/s ` +
        `(best ${(megabytes / best).toFixed(1)}; ${(megabytes / cpuSeconds).toFixed(1)} MB per CPU-second), ` +
        `${(last.frames / seconds / 1e6).toFixed(2)} M frames/s` +
        (interpret ? `, ${(last.values / seconds / 1e6).toFixed(1)} M values/s` : ""),
    );
  }
}
