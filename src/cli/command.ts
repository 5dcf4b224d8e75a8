/** The shape of a `gm3` subcommand, and the exit codes every command uses. */
import { type ParseArgsConfig, parseArgs } from "node:util";

export const ExitCode = {
  OK: 0,
  /** The bus or the device failed (no answer, link down, write not confirmed). */
  BUS_FAILURE: 1,
  /** Wrong arguments, unreadable file, broken configuration. */
  USAGE: 2,
} as const;

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Environment variables (default: process.env); tests pass their own. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Working directory for relative paths (default: process.cwd()). */
  cwd?: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CliCommand {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) after `gm3 <name>`. */
  usage: string;
  /** Option help: flag → description. */
  optionHelp: Readonly<Record<string, string>>;
  options: OptionSpec;
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number>;
}

/** The bus or the device failed; the CLI prints the message (which says what to check) and exits 1. */
export class BusCommandError extends Error {
  override readonly name = "BusCommandError";
}

/** A user error with a message that says what to do; the CLI prints it and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function commandHelp(command: CliCommand): string {
  const flags = Object.entries(command.optionHelp).map(([flag, text]) => `  ${flag.padEnd(26)} ${text}`);
  return [
    `gm3 ${command.name} — ${command.summary}`,
    "",
    `Usage: gm3 ${command.name} ${command.usage}`.trimEnd(),
    "",
    "Options:",
    ...flags,
    `  ${"-h, --help".padEnd(26)} show this help`,
  ].join("\n");
}

export function parseCommandArgs(command: CliCommand, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun 'gm3 ${command.name} --help' for the options.`);
  }
}
