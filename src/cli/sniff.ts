/**
 * `gm3 sniff`: listens on the link without ever transmitting and prints every frame as it
 * passes (text or NDJSON); optionally records the raw bytes for `gm3 decode`.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { linkConfigurationError } from "../app/link-errors.js";
import { commandName, describeFrame, Framer, interpretFrame, type TypeLookup } from "../protocol/index.js";
import { linkTargetName } from "../transport/create-link.js";
import { type Link, LinkError } from "../transport/link.js";
import { openCliBus } from "./bus-endpoint.js";
import { busOptionHelp, busOptions } from "./bus-options.js";
import { BusCommandError, type CliCommand, type CliIo, ExitCode, UsageError } from "./command.js";
import { configOption, configOptionHelp } from "./config.js";
import { toJsonLine } from "./json.js";
import { loadTypeTable, typeLookupsFor } from "./type-table.js";

function positiveNumber(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive number, got "${String(value)}"`);
  return n;
}

async function openRecording(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: "w" });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (error) =>
      reject(
        new UsageError(`cannot record to ${path}: ${(error as NodeJS.ErrnoException).code ?? error.message}`),
      ),
    );
  });
  return stream;
}

export const sniffCommand: CliCommand = {
  name: "sniff",
  summary: "listen to the bus without transmitting and print each frame",
  usage: "[--port <SERIAL_PORT>] [--json] [--record <file>] [--types <file>] [--duration <s>] [--count <n>]",
  optionHelp: {
    ...busOptionHelp,
    "--json": "one JSON object per frame",
    "--record <file>": "also write the raw bytes to a file ('gm3 decode <file>' reads it back)",
    "--types <file>": "parameter dump (index → {info}) to decode the controller's values",
    "--duration <s>": "stop after this many seconds",
    "--count <n>": "stop after this many frames",
    ...configOptionHelp,
  },
  options: {
    ...busOptions,
    json: { type: "boolean" },
    record: { type: "string" },
    types: { type: "string" },
    duration: { type: "string" },
    count: { type: "string" },
    ...configOption,
  },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`sniff takes no arguments (got '${positionals[0]}')`);
    const bus = await openCliBus(values, io, { name: "sniff", doing: "sniffing" });
    const sim = bus.simulation;
    const durationS = positiveNumber(values.duration, "--duration");
    const maxFrames = positiveNumber(values.count, "--count");
    const typeOf = typeLookupsFor(
      typeof values.types === "string" ? await loadTypeTable(values.types) : undefined,
    );
    const recording = typeof values.record === "string" ? await openRecording(values.record) : undefined;
    const link: Link = bus.createLink("sniffer");
    try {
      await link.open();
    } catch (error) {
      await sim?.stop();
      const configError = error instanceof LinkError ? linkConfigurationError(error, bus.loaded) : undefined;
      if (configError) throw configError;
      const hint = (error as { hint?: string }).hint;
      throw new BusCommandError(`${(error as Error).message}${hint ? ` — ${hint}` : ""}`);
    }
    io.stderr.write(
      `listening on ${linkTargetName(bus.endpoint)} (nothing is transmitted); Ctrl+C to stop\n`,
    );
    const result = await sniff(link, io, {
      json: values.json === true,
      recording,
      typeOf,
      durationS,
      maxFrames,
    });
    await link.close();
    await sim?.stop();
    if (recording) await new Promise<void>((resolve) => recording.end(() => resolve()));
    io.stderr.write(
      `${result.frames} frames, ${result.bytes} bytes, ${result.discarded} bytes discarded, ${result.crcErrors} CRC errors${recording ? `; raw bytes in ${String(values.record)}` : ""}\n`,
    );
    return result.lost ? ExitCode.BUS_FAILURE : ExitCode.OK;
  },
};

interface SniffOptions {
  json: boolean;
  recording: WriteStream | undefined;
  typeOf: (address: number) => TypeLookup | undefined;
  durationS: number | undefined;
  maxFrames: number | undefined;
}

function sniff(link: Link, io: CliIo, options: SniffOptions) {
  return new Promise<{ frames: number; bytes: number; discarded: number; crcErrors: number; lost: boolean }>(
    (resolve) => {
      const framer = new Framer();
      let frames = 0;
      let bytes = 0;
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const finish = (lost: boolean) => {
        if (timer) clearTimeout(timer);
        link.off("data", onData);
        link.off("lost", onLost);
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        resolve({
          frames,
          bytes,
          discarded: framer.stats.discardedBytes,
          crcErrors: framer.stats.crcErrors,
          lost,
        });
      };
      const onData = (chunk: Buffer) => {
        bytes += chunk.length;
        options.recording?.write(chunk);
        for (const frame of framer.push(chunk)) {
          frames++;
          const message = interpretFrame(frame, { typeOf: options.typeOf });
          const at = ((Date.now() - started) / 1000).toFixed(3);
          io.stdout.write(
            options.json
              ? `${toJsonLine({ type: "frame", frame: frames, timeS: Number(at), source: frame.source, destination: frame.destination, command: frame.command, commandName: commandName(frame.command), message, raw: frame.raw.toString("hex") })}\n`
              : `${at.padStart(9)} ${describeFrame(frame, message)}\n`,
          );
          if (options.maxFrames !== undefined && frames >= options.maxFrames) {
            finish(false);
            return;
          }
        }
      };
      const onLost = (error: Error) => {
        io.stderr.write(`link lost: ${error.message}\n`);
        finish(true);
      };
      const onSignal = () => finish(false);
      link.on("data", onData);
      link.on("lost", onLost);
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      if (options.durationS !== undefined) timer = setTimeout(() => finish(false), options.durationS * 1000);
    },
  );
}
