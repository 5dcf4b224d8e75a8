/** `gm3 get <name|index>…`: reads parameters once from the bus. */
import { type CliCommand, ExitCode, UsageError } from "./command.js";
import { configOption, configOptionHelp } from "./config.js";
import { oneShotOptionHelp, oneShotOptions, withGateway } from "./one-shot.js";
import { formatValue, jsonValue } from "./value-format.js";

export const getCommand: CliCommand = {
  name: "get",
  summary: "read parameters (by name or index) from the heat pump once",
  usage: "<name|index>… [--json] [--config <path>]",
  optionHelp: {
    "--json": "print a JSON object keyed by the names asked",
    ...oneShotOptionHelp,
    ...configOptionHelp,
  },
  options: { json: { type: "boolean" }, ...oneShotOptions, ...configOption },
  async run({ values, positionals }, io) {
    if (positionals.length === 0)
      throw new UsageError("name at least one parameter: gm3 get HDWTSetPoint TempCWU");
    return withGateway(values, io, async (app) => {
      const { store } = app.core;
      const missing = positionals.filter((name) => !store.resolve(name));
      if (missing.length > 0) {
        throw new UsageError(
          `no parameter named ${missing.map((m) => `'${m}'`).join(", ")} (names are case-sensitive; spaces are written as _)`,
        );
      }
      const rows = positionals.map((name) => {
        const entry = store.resolve(name)!;
        const { definition } = entry;
        const limits = store.limitsOf(entry);
        return {
          asked: name,
          index: definition.index,
          name: definition.name,
          value: entry.value,
          unit: definition.unit.symbol,
          writable: definition.writable,
          min: limits.min,
          max: limits.max,
        };
      });
      if (values.json === true) {
        const out = Object.fromEntries(
          rows.map((r) => [r.asked, { ...r, asked: undefined, value: jsonValue(r.value) }]),
        );
        io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        for (const r of rows) {
          const range = r.writable
            ? `  [writable${r.min !== null || r.max !== null ? ` ${r.min ?? "…"}..${r.max ?? "…"}` : ""}]`
            : "";
          io.stdout.write(
            `${r.name} (${r.index}) = ${formatValue(r.value)}${r.unit ? ` ${r.unit}` : ""}${range}\n`,
          );
        }
      }
      return ExitCode.OK;
    });
  },
};
