/** The `gm3` dispatcher: one subcommand per task. Exit codes: 0 ok, 1 bus failure, 2 usage. */

import { ConfigError } from "../config/errors.js";
import { packageVersion } from "../version.js";
import {
  BusCommandError,
  type CliCommand,
  type CliIo,
  commandHelp,
  ExitCode,
  parseCommandArgs,
  UsageError,
} from "./command.js";
import { configCommand } from "./config.js";
import { decodeCommand } from "./decode.js";
import { getCommand } from "./get.js";
import { scanCommand } from "./scan.js";
import { serveCommand } from "./serve.js";
import { setCommand } from "./set.js";
import { simCommand } from "./sim.js";
import { sniffCommand } from "./sniff.js";

const commands: CliCommand[] = [
  serveCommand,
  simCommand,
  decodeCommand,
  sniffCommand,
  scanCommand,
  getCommand,
  setCommand,
  configCommand,
];

/** Flags of `gm3` itself, not of a command. */
const GLOBAL_FLAGS = new Set(["--help", "-h", "--version", "-v"]);

function mainHelp(): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`);
  return [
    `gm3 ${packageVersion} — gateway for GM3 (Plum ecoMAX360i / ecoTRONIC) heat pumps on RS-485`,
    "",
    "Usage: gm3 [command] [options]      (no command: serve; gm3 <command> --help for its options)",
    "",
    "Commands:",
    ...lines,
  ].join("\n");
}

export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  // No command, or only options (e.g. `gm3 --config x.yaml`), runs the gateway.
  const [name, ...rest] =
    argv[0] === undefined || (argv[0].startsWith("-") && !GLOBAL_FLAGS.has(argv[0]))
      ? ["serve", ...argv]
      : argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${mainHelp()}\n`);
    return ExitCode.OK;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`${packageVersion}\n`);
    return ExitCode.OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`gm3: unknown command '${name}'. Run 'gm3 --help' for the list of commands.\n`);
    return ExitCode.USAGE;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.values.help) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return ExitCode.OK;
    }
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`gm3 ${command.name}: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof BusCommandError) {
      io.stderr.write(`gm3 ${command.name}: ${error.message}\n`);
      return ExitCode.BUS_FAILURE;
    }
    throw error;
  }
}
