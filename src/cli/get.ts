/** `gm3 get <name|index>…`: reads parameters once from the bus. */
import { closestName } from "../config/suggest.js";
import { type CliCommand, ExitCode, UsageError } from "./command.js";
import { configOption, configOptionHelp } from "./config.js";
import { oneShotOptionHelp, oneShotOptions, withGateway } from "./one-shot.js";
import { formatValue, indexSpellingProblem, jsonValue } from "./value-format.js";

/** Why `asked` names nothing: an index that does not exist, or a name, with the closest one. */
function unknownParameter(asked: string, names: readonly string[]): string {
  if (/^\d+$/.test(asked)) return `no parameter at index ${asked}`;
  const suggestion = closestName(asked, names);
  return `no parameter named '${asked}'${suggestion ? ` — did you mean '${suggestion}'?` : ""} (names are case-sensitive; spaces are written as _)`;
}

function listHint(apiPort: number): string {
  return `To list every name and index, run the gateway (gm3 serve, or the service) and open http://localhost:${apiPort}/api/parameters (e.g. curl http://localhost:${apiPort}/api/parameters)`;
}

export const getCommand: CliCommand = {
  name: "get",
  summary: "read parameters (by name or index) from the heat pump once",
  usage: "<name|index>… [--json] [--port <SERIAL_PORT>] [--baud <n>] [--config <path>]",
  optionHelp: {
    "--json": "print a JSON object keyed by the names asked",
    ...oneShotOptionHelp,
    ...configOptionHelp,
  },
  options: { json: { type: "boolean" }, ...oneShotOptions, ...configOption },
  async run({ values, positionals }, io) {
    if (positionals.length === 0)
      throw new UsageError("name at least one parameter: gm3 get HDWTSetPoint TempCWU");
    const misspelt = positionals.map(indexSpellingProblem).filter((problem) => problem !== undefined);
    if (misspelt.length > 0) throw new UsageError(misspelt.join("; "));
    return withGateway(values, io, { name: "get", doing: "reading" }, async (app) => {
      const { store } = app.core;
      const missing = positionals.filter((name) => !store.resolve(name));
      if (missing.length > 0) {
        const names = [...store.all()].filter((e) => e.definition.exposed).map((e) => e.definition.name);
        const problems = missing.map((asked) => unknownParameter(asked, names));
        const detail = `${problems.join("; ")}. ${listHint(app.config.apiPort)}`;
        if (values.json === true) {
          io.stdout.write(`${JSON.stringify({ success: false, error: "not-found", detail, missing })}\n`);
        }
        throw new UsageError(detail);
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
