/** GET /api/parameters/{name}/history: one parameter's recorded history, JSON or CSV (docs/history.md). */
import type { FastifyReply } from "fastify";
import { sendApiError } from "../../../http/errors.js";
import { type ApiContext, sendJson, type TypedApp } from "../context.js";
import type { HistoryApi, HistorySeriesView } from "../history.js";
import {
  errorResponses,
  HistoryBodySchema,
  HistoryQuerySchema,
  InsightsBodySchema,
  NameParamsSchema,
} from "../schemas.js";

const TAG = "history";
const DAY_MS = 86_400_000;
const MS_PER_S = 1000;
const EPOCH_MS = /^\d{1,15}$/;

/** ms since the epoch from `text` (digits: ms; else ISO 8601), undefined when it is neither. */
function timeOf(text: string): number | undefined {
  if (EPOCH_MS.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const iso = (ms: number) => new Date(ms).toISOString();

function csvOf(series: HistorySeriesView): string {
  const lines = ["time,value,min,max"];
  for (const p of series.points) lines.push(`${iso(p.t)},${p.value},${p.min},${p.max}`);
  return `${lines.join("\n")}\n`;
}

function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  if (format !== undefined) return format === "csv";
  return accept !== undefined && /\btext\/csv\b/.test(accept) && !/application\/json/.test(accept);
}

function badRequest(reply: FastifyReply, detail: string): void {
  sendApiError(reply, 400, "bad-request", detail);
}

export function registerHistoryRoutes(app: TypedApp, ctx: ApiContext, history: HistoryApi | undefined): void {
  const { core } = ctx;
  app.get(
    "/api/insights",
    {
      schema: {
        tags: [TAG],
        summary: "Compressor cycling (24 h), energy and COP per day (7 days), live COP",
        description:
          "From the recorded history: starts, short cycles (runs under HISTORY_SHORT_CYCLE_MIN) and mean run and pause " +
          "lengths of the compressor, energy per day (UTC days) from the controller's counters with the day's COP, and " +
          "the live COP — null unless the compressor runs, electric power is drawn, heat is not negative and COP ≤ 10. " +
          "404 with HISTORY_ENABLED=false.",
        response: { 200: InsightsBodySchema, ...errorResponses(401, 404) },
      },
    },
    (_request, reply) => {
      if (!history)
        return sendApiError(reply, 404, "history-off", "the history is off (HISTORY_ENABLED=false)");
      const report = history.insights();
      const round = (n: number | null, digits: number) => (n === null ? null : Number(n.toFixed(digits)));
      sendJson(reply, 200, {
        at: iso(report.at),
        cycling: {
          starts_24h: report.cycling.starts24h,
          starts_last_hour: report.cycling.startsLastHour,
          short_cycles_24h: report.cycling.shortCycles24h,
          mean_run_minutes: report.cycling.meanRunMinutes,
          mean_pause_minutes: report.cycling.meanPauseMinutes,
          excessive: report.cycling.excessive,
        },
        energy: report.energy.map((d) => ({
          day: iso(d.day).slice(0, 10),
          electric_kwh: round(d.electricKwh, 2),
          heat_kwh: round(d.heatKwh, 2),
          cop: round(d.cop, 2),
        })),
        live_cop: round(report.liveCop, 2),
      });
    },
  );
  app.get(
    "/api/parameters/:name/history",
    {
      schema: {
        tags: [TAG],
        summary:
          "One parameter's recorded history (raw samples or rollups, chosen by the range), JSON or CSV",
        description:
          "At most 2,000 points: raw samples when the range holds few enough, else minute rollups (ranges up to ~33 h), " +
          "else hourly ones merged into wider steps. `?format=csv` or `Accept: text/csv` answers CSV " +
          "(time,value,min,max). 400 when `from` is after `to` or a time is not one; 404 for an unknown " +
          "name, a parameter not recorded (HISTORY_PARAMETERS) or with HISTORY_ENABLED=false.",
        params: NameParamsSchema,
        querystring: HistoryQuerySchema,
        response: {
          200: HistoryBodySchema,
          ...errorResponses(400, 401, 404),
        },
      },
    },
    (request, reply) => {
      const { name } = request.params;
      const entry = core.store.resolve(name);
      if (!entry) return sendApiError(reply, 404, "not-found", `Parameter not found: ${name.slice(0, 80)}`);
      if (!history)
        return sendApiError(reply, 404, "history-off", "the history is off (HISTORY_ENABLED=false)");
      const { index } = entry.definition;
      if (!history.knows(index)) {
        return sendApiError(
          reply,
          404,
          "not-recorded",
          `${entry.definition.name} is not recorded; add it to HISTORY_PARAMETERS (docs/history.md)`,
        );
      }
      const query = request.query;
      const to = query.to === undefined ? core.clock.now() : timeOf(query.to);
      if (to === undefined)
        return badRequest(reply, `to=${query.to} is not a time (ISO 8601 or ms since the epoch)`);
      const from = query.from === undefined ? to - DAY_MS : timeOf(query.from);
      if (from === undefined)
        return badRequest(reply, `from=${query.from} is not a time (ISO 8601 or ms since the epoch)`);
      if (from > to) return badRequest(reply, `from (${iso(from)}) is after to (${iso(to)})`);
      let stepMs: number | undefined;
      if (query.step !== undefined) {
        const seconds = Number(query.step);
        if (!Number.isFinite(seconds) || seconds < 0)
          return badRequest(reply, `step=${query.step} is not a number of seconds`);
        stepMs = seconds * MS_PER_S;
      }
      const series = history.series({ index, from, to, stepMs });
      if (wantsCsv(query.format, request.headers.accept)) {
        (reply as FastifyReply)
          .code(200)
          .type("text/csv; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="${entry.definition.name || index}-history.csv"`,
          )
          .send(csvOf(series));
        return;
      }
      sendJson(reply, 200, {
        index,
        name: entry.definition.name,
        unit: entry.definition.unit.symbol,
        from: iso(from),
        to: iso(to),
        resolution: series.resolution,
        step_seconds: series.stepMs / MS_PER_S,
        points: series.points.map((p) => ({ t: iso(p.t), value: p.value, min: p.min, max: p.max })),
      });
    },
  );
}
