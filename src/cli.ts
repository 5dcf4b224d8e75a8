#!/usr/bin/env node
/** `gm3` entry point (the package's bin). */
import { ExitCode } from "./cli/command.js";
import { runCli } from "./cli/main.js";

// `gm3 decode capture.bin | head` closes our stdout early: that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(ExitCode.OK);
  throw error;
});

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`gm3: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = ExitCode.BUS_FAILURE;
  },
);
