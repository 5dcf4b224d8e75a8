/** `gm3 set <name> <value>`: one safe write, with the server's validation and confirmation. */
import { WriteError } from "../gateway/write-errors.js";
import { isTypeCode, TYPE_INFO } from "../protocol/index.js";
import { BusCommandError, type CliCommand, ExitCode, UsageError } from "./command.js";
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
  usage: "<name|index> <value> [--json] [--config <path>]",
  optionHelp: { "--json": "print the outcome as JSON", ...oneShotOptionHelp, ...configOptionHelp },
  options: { json: { type: "boolean" }, ...oneShotOptions, ...configOption },
  async run({ values, positionals }, io) {
    if (positionals.length !== 2)
      throw new UsageError("give a parameter and a value: gm3 set HDWTSetPoint 48");
    const [target, text] = positionals as [string, string];
    const misspelt = indexSpellingProblem(target);
    if (misspelt) throw new UsageError(`${misspelt} — nothing was sent`);
    return withGateway(values, io, async (app) => {
      // The text is read as the parameter's type needs: a string parameter takes it as it is
      // (`gm3 set FN 1008026009` is text, not a number).
      const entry = app.core.store.resolve(target);
      const value = entry && isStringType(entry.definition.type) ? text : parseCliValue(text);
      try {
        const outcome = await app.core.write({
          // A name, or an index in its one spelling (the store resolves both, names first).
          target,
          value,
          origin: "cli",
        });
        if (values.json === true) {
          io.stdout.write(
            `${JSON.stringify({ success: true, name: outcome.name, index: outcome.index, old_value: jsonValue(outcome.oldValue), new_value: jsonValue(outcome.newValue), confirmation: outcome.confirmation, duration_ms: outcome.durationMs })}\n`,
          );
        } else {
          io.stdout.write(
            `${outcome.name} (${outcome.index}): ${formatValue(outcome.oldValue)} → ${formatValue(outcome.newValue)} (confirmed: ${outcome.confirmation}, ${outcome.durationMs} ms)\n`,
          );
        }
        return ExitCode.OK;
      } catch (error) {
        if (!(error instanceof WriteError)) throw error;
        if (values.json === true) {
          io.stdout.write(
            `${JSON.stringify({ success: false, error: error.failure, detail: error.message, sent: error.sent })}\n`,
          );
        }
        if (USAGE_FAILURES.has(error.failure)) throw new UsageError(`${error.message} — nothing was sent`);
        throw new BusCommandError(
          `${error.message}${error.sent ? "" : " — nothing was sent"}. Check the link and the token (gm3 scan), then try again.`,
        );
      }
    });
  },
};
