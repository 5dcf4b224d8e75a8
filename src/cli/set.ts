/** `gm3 set <name> <value>`: one safe write, with the server's validation and confirmation. */
import { WriteError } from "../gateway/write-errors.js";
import type { WriteJob, WriteJobState } from "../gateway/write-job.js";
import { isTypeCode, TYPE_INFO } from "../protocol/index.js";
import { BusCommandError, type CliCommand, type CliIo, ExitCode, UsageError } from "./command.js";
import { configOption, configOptionHelp } from "./config.js";
import { oneShotOptionHelp, oneShotOptions, withGateway } from "./one-shot.js";
import { formatValue, indexSpellingProblem, jsonValue, parseCliValue } from "./value-format.js";

/** Refusals about the request itself (exit 2); the rest are failures on the bus (exit 1). */
const USAGE_FAILURES = new Set([
  "not-found",
  "read-only-parameter",
  "panel-write-disabled",
  "wrong-type",
  "out-of-range",
  "not-representable",
  "not-a-whole-number",
  "too-long",
  "expert-only",
  "read-only-mode",
]);

const isStringType = (type: number) => isTypeCode(type) && TYPE_INFO[type].kind === "string";

export const setCommand: CliCommand = {
  name: "set",
  summary: "write one parameter safely (validated, acknowledged, read back)",
  usage: "<name|index> <value> [--json] [--port <SERIAL_PORT>] [--baud <n>] [--config <path>]",
  optionHelp: { "--json": "print the outcome as JSON", ...oneShotOptionHelp, ...configOptionHelp },
  options: { json: { type: "boolean" }, ...oneShotOptions, ...configOption },
  async run({ values, positionals }, io) {
    if (positionals.length !== 2)
      throw new UsageError("give a parameter and a value: gm3 set HDWTSetPoint 48");
    const [target, text] = positionals as [string, string];
    const misspelt = indexSpellingProblem(target);
    if (misspelt) throw new UsageError(`${misspelt} — nothing was sent`);
    return withGateway(values, io, { name: "set", doing: "writing to" }, async (app) => {
      // The text is read as the parameter's type needs: a string parameter takes it as it is
      // (`gm3 set FN 1008026009` is text, not a number).
      const entry = app.core.store.resolve(target);
      const value = entry && isStringType(entry.definition.type) ? text : parseCliValue(text);
      let job: WriteJob;
      try {
        // The job waits for the token as long as WRITE_DEADLINE allows, and ends one way or another.
        job = await app.core.write({
          // A name, or an index in its one spelling (the store resolves both, names first).
          target,
          value,
          origin: "cli",
        });
      } catch (error) {
        if (!(error instanceof WriteError)) throw error;
        throw refused(error, values.json === true, io);
      }
      const { outcome } = job;
      if (!outcome) {
        const error =
          job.error ??
          new WriteError("not-confirmed", `replaced by job ${job.supersededBy} before it was sent`);
        throw refused(error, values.json === true, io, job.state);
      }
      if (values.json === true) {
        io.stdout.write(
          `${JSON.stringify({ success: true, state: job.state, write_id: job.id, name: outcome.name, index: outcome.index, old_value: jsonValue(outcome.oldValue), new_value: jsonValue(outcome.newValue), confirmation: outcome.confirmation, duration_ms: outcome.durationMs })}\n`,
        );
      } else {
        io.stdout.write(
          `${outcome.name} (${outcome.index}): ${formatValue(outcome.oldValue)} → ${formatValue(outcome.newValue)} (confirmed: ${outcome.confirmation}, ${outcome.durationMs} ms)\n`,
        );
      }
      return ExitCode.OK;
    });
  },
};

/** The error to exit with for a refused or unsuccessful write (printed as JSON first with --json). */
function refused(error: WriteError, json: boolean, io: CliIo, state?: WriteJobState): Error {
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ success: false, ...(state ? { state } : {}), error: error.failure, detail: error.message, sent: error.sent })}\n`,
    );
  }
  if (USAGE_FAILURES.has(error.failure)) return new UsageError(`${error.message} — nothing was sent`);
  const hint =
    error.failure === "expired"
      ? " Check that the panel grants this gateway the token (gm3 scan), or raise WRITE_DEADLINE."
      : error.sent
        ? ""
        : " Check the link and the token (gm3 scan), then try again.";
  return new BusCommandError(
    `${state ? `${state}: ` : ""}${error.message}${error.sent || /nothing was sent/.test(error.message) ? "" : " — nothing was sent"}.${hint}`,
  );
}
