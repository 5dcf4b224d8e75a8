/** `gm3 decode <file>`: frames of a raw capture, one line each (or NDJSON with --json). */
import { readFile } from "node:fs/promises";
import {
  commandName,
  type DiscardReason,
  describeFrame,
  type FramedFrame,
  Framer,
  interpretFrame,
} from "../protocol/index.js";
import { type CliCommand, ExitCode, UsageError } from "./command.js";
import { toJsonLine } from "./json.js";
import { loadTypeTable, typeLookupsFor } from "./type-table.js";

interface Discard {
  offset: number;
  length: number;
  reason: DiscardReason;
}

async function readCapture(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new UsageError(
      `cannot read capture ${path}: ${reason}. Give the path of a raw capture (e.g. from 'gm3 sniff --record').`,
    );
  }
}

export const decodeCommand: CliCommand = {
  name: "decode",
  summary: "decode a raw byte capture of the bus into frames",
  usage: "<file> [--json] [--types <parameters.json>]",
  optionHelp: {
    "--json": "one JSON object per line (frames, discarded bytes, a final summary)",
    "--types <file>": "parameter dump (index → {info}) with the controller's types, to decode its values",
  },
  options: {
    json: { type: "boolean" },
    types: { type: "string" },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new UsageError("decode takes exactly one capture file: gm3 decode <file>");
    const bytes = await readCapture(positionals[0]!);
    const controllerTypes = typeof values.types === "string" ? await loadTypeTable(values.types) : undefined;
    const typeOf = typeLookupsFor(controllerTypes);
    const json = values.json === true;

    const discards: Discard[] = [];
    const framer = new Framer({
      onDiscard: (run, reason, offset) => discards.push({ offset, length: run.length, reason }),
    });
    const frames = framer.push(bytes);
    const trailing = framer.discardPartial();

    const events: (FramedFrame | Discard)[] = [...frames, ...discards].sort((a, b) => a.offset - b.offset);
    const byCommand: Record<string, number> = {};
    let number = 0;
    for (const event of events) {
      if (!("raw" in event)) {
        io.stdout.write(
          json
            ? `${toJsonLine({ type: "discard", ...event })}\n`
            : `    ! @${String(event.offset).padEnd(7)} ${event.length} byte(s) discarded (${event.reason})\n`,
        );
        continue;
      }
      number++;
      const message = interpretFrame(event, { typeOf });
      const name = commandName(event.command);
      byCommand[name] = (byCommand[name] ?? 0) + 1;
      io.stdout.write(
        json
          ? `${toJsonLine({
              type: "frame",
              frame: number,
              offset: event.offset,
              length: event.raw.length,
              source: event.source,
              destination: event.destination,
              command: event.command,
              commandName: name,
              message,
              raw: event.raw.toString("hex"),
            })}\n`
          : `${String(number).padStart(5)} @${String(event.offset).padEnd(7)} ${describeFrame(event, message)}\n`,
      );
    }
    const { stats } = framer;
    const summary = {
      type: "summary",
      bytes: bytes.length,
      frames: stats.frames,
      discardedBytes: stats.discardedBytes,
      crcErrors: stats.crcErrors,
      incompleteTrailingBytes: trailing,
      commands: byCommand,
    };
    io.stdout.write(
      json
        ? `${toJsonLine(summary)}\n`
        : `\n${stats.frames} frames in ${bytes.length} bytes; ${stats.discardedBytes} bytes discarded` +
            ` (${trailing} trailing), ${stats.crcErrors} CRC errors\n`,
    );
    return ExitCode.OK;
  },
};
