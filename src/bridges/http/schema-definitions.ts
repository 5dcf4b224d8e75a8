/**
 * TypeBox definitions of the API's schemas: request validation, response serialisation and the
 * OpenAPI document from one place. They are compiled to plain JSON Schema by
 * `scripts/build-api-schemas.ts` (→ `schemas.generated.ts`), which is what the server loads: the
 * TypeBox library alone costs ~19 MB of resident memory, too much to carry on a Raspberry Pi for
 * objects that never change. Types still come from here (`import type`).
 */
import { type TSchema, Type } from "typebox";

export const ErrorBodySchema = Type.Object(
  {
    error: Type.String({ description: "Short machine-readable code, e.g. `not-found`, `out-of-range`." }),
    detail: Type.String({ description: "What went wrong, for people." }),
  },
  { description: "Every error response has this shape." },
);

const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description ? { description } : {});

export const ParameterValueSchema = Type.Union(
  [Type.Integer(), Type.Number(), Type.Boolean(), Type.String(), Type.Null()],
  {
    description:
      "Raw value: integers (unsigned for bitmaps and schedules), floats rounded to 2 decimals (999.0 = no sensor), booleans, strings; null for NaN or never read.",
  },
);

const parameterFields = {
  index: Type.Integer({ description: "Regulator index as-is; panel index = 10000 + wire index." }),
  name: Type.String({ description: "Descriptor name with spaces replaced by `_`." }),
  value: ParameterValueSchema,
  type: Type.Integer({
    description:
      "Wire type: 1 int8, 2 int16, 3 int32, 4 uint8, 5 uint16, 6 uint32, 7 float, 9 double, 10 bool, 12 string, 13 int64, 14 uint64.",
  }),
  unit: Type.Integer({ description: "0 none, 1 °C, 2 s, 3 min, 4 h, 5 d, 6 %, 7 kW, 8 kWh." }),
  writable: Type.Boolean(),
  min: Nullable(Type.Number(), "Lower limit after resolving references; null when none."),
  max: Nullable(Type.Number(), "Upper limit after resolving references; null when none."),
};

export const ParameterSchema = Type.Object(parameterFields);

export const ParametersBodySchema = Type.Object({
  timestamp: Type.String({ description: "Last complete poll, naive local ISO 8601." }),
  parameters: Type.Record(Type.String({ pattern: "^[0-9]+$" }), ParameterSchema, {
    description: "Keyed by the decimal index string, ascending.",
  }),
});

export const ParameterDetailSchema = Type.Object({
  ...parameterFields,
  type_name: Type.String({ description: "`uint8`, `float`, …" }),
  unit_symbol: Type.String({ description: "`°C`, `%`, … (empty for none)." }),
  last_read: Nullable(Type.String(), "When the value was last read from the bus (naive local ISO 8601)."),
  age_seconds: Nullable(Type.Number(), "Seconds since the last read."),
  stale: Type.Boolean({ description: "Not read for longer than CACHE_TTL_SECONDS." }),
});

export const NameParamsSchema = Type.Object({
  name: Type.String({
    description: "Parameter name (URL-encoded, case-sensitive; the lowest index wins) or an index.",
  }),
});

export const WriteBodySchema = Type.Object(
  { value: Type.Unknown({ description: "Number, boolean or string, as the parameter's type needs." }) },
  { required: ["value"] },
);

const WriteStateSchema = Type.Union(
  ["queued", "sending", "confirmed", "failed", "superseded", "expired"].map((state) => Type.Literal(state)),
  {
    description:
      "queued (waiting for the link, the first poll or a token grant), sending (on the wire, waiting for the acknowledgement and the read-back), " +
      "then exactly one of confirmed, failed, superseded (a newer write to the same parameter came first; never sent) or expired (WRITE_DEADLINE passed; never sent).",
  },
);

export const WriteResultSchema = Type.Object({
  success: Type.Literal(true),
  name: Type.String({ description: "The name from the path." }),
  parameter: Type.String({ description: "The parameter's own name." }),
  index: Type.Integer(),
  old_value: ParameterValueSchema,
  new_value: ParameterValueSchema,
  confirmation: Type.String({
    description:
      "How it ended within WRITE_WAIT: `ack+read-back`, `ack`, `read-back` or `unchanged` (confirmed: the controller held the value already, nothing was sent); " +
      "`queued` (still waiting for the bus or being sent: it goes on by itself, see `Location`) or `superseded`.",
  }),
  state: WriteStateSchema,
  write_id: Type.String({ description: "The job, at `GET /api/writes/{write_id}`." }),
  superseded_by: Type.Optional(Type.String({ description: "When superseded: the job that replaced it." })),
  duration_ms: Type.Integer(),
  timestamp: Type.String({ description: "Naive local ISO 8601." }),
});

const IsoTimeOrNull = Nullable(Type.String(), "UTC ISO 8601.");

export const WriteJobSchema = Type.Object({
  write_id: Type.String(),
  state: WriteStateSchema,
  name: Type.String({ description: "The parameter's name." }),
  index: Type.Integer(),
  value: ParameterValueSchema,
  old_value: ParameterValueSchema,
  new_value: Nullable(ParameterValueSchema, "When confirmed: what the controller holds (read back)."),
  confirmation: Nullable(
    Type.String(),
    "When confirmed: `ack+read-back`, `ack`, `read-back` or `unchanged`.",
  ),
  error: Nullable(
    Type.String(),
    "When failed or expired: the write failure, e.g. `rejected`, `not-confirmed`, `expired`.",
  ),
  detail: Nullable(Type.String(), "When failed or expired: what happened, for people."),
  sent: Type.Boolean({ description: "Whether a MODIFY_PARAM went out for it (at most one ever does)." }),
  superseded_by: Nullable(Type.String()),
  origin: Type.String({ description: "`http`, `mqtt` or `cli`." }),
  accepted_at: Type.String(),
  deadline: Type.String({ description: "WRITE_DEADLINE after acceptance: not sent by then, it expires." }),
  sent_at: IsoTimeOrNull,
  ended_at: IsoTimeOrNull,
  duration_ms: Nullable(Type.Integer(), "From acceptance to the end."),
  waiting_for: Nullable(
    Type.Union([Type.Literal("link"), Type.Literal("first-poll"), Type.Literal("token")]),
    "While queued: the bus link, the first poll since it came up, or a token grant.",
  ),
  expected_send_in_ms: Nullable(
    Type.Integer(),
    "While waiting for a grant: when the next one is due, from the grants observed.",
  ),
});

export const WriteJobsBodySchema = Type.Object({
  writes: Type.Array(WriteJobSchema, {
    description: "The jobs still running and the last ones ended (at most 200), newest first.",
  }),
});

export const WriteIdParamsSchema = Type.Object({ id: Type.String({ description: "A `write_id`." }) });

export const AlarmSchema = Type.Object({
  index: Type.Integer({ description: "Position in the panel's alarm log." }),
  code: Type.Integer(),
  from_date: Type.String({ description: "Naive ISO 8601, controller's clock." }),
  to_date: Nullable(Type.String(), "null while the alarm is active."),
  name: Type.String({
    description:
      'The code\'s name from the alarm table (src/catalog/alarms.json), or "Alarm N (unknown — please report)".',
  }),
  check: Nullable(Type.String(), "What to check, for a known code; null for an unknown one."),
});

export const AlarmsBodySchema = Type.Object({
  alarms: Type.Array(AlarmSchema, { description: "Newest first." }),
});

const DataStateSchema = Type.Union(
  [Type.Literal("fresh"), Type.Literal("stale"), Type.Literal("unavailable")],
  {
    description:
      "fresh: polled since the link came up; stale: the last complete values, served with their age while they cannot be refreshed (at most STALE_DATA_MAX_AGE); unavailable: 503.",
  },
);

export const RootBodySchema = Type.Object({
  name: Type.String(),
  version: Type.String(),
  status: Type.Literal("running"),
});

export const HealthBodySchema = Type.Object({
  status: Type.Union([Type.Literal("healthy"), Type.Literal("degraded"), Type.Literal("unhealthy")]),
  reason: Nullable(Type.String(), "Why it is not healthy."),
  controller_connected: Type.Boolean(),
  parameters_count: Type.Integer({ description: "Parameters served by /api/parameters." }),
  last_update: Nullable(
    Type.String(),
    "When the served values were last read completely (the last complete poll, else the snapshot's), naive local ISO 8601.",
  ),
  last_poll_age_seconds: Nullable(Type.Number(), "Age of those values."),
  data_state: DataStateSchema,
  uptime_seconds: Type.Number(),
  simulator: Type.Boolean({ description: "true: the data comes from the built-in simulator." }),
  warning: Type.Optional(
    Type.String({ description: "Present on the simulator; names its timing (SIM_TIMING)." }),
  ),
  read_only: Type.Boolean(),
  expert_writes: Type.Boolean({ description: "EXPERT_WRITES: service parameters may be written." }),
  version: Type.String(),
});

export const ThermostatStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  temperature: Nullable(Type.Number(), "Last room temperature received (°C, 2 decimals); null if none yet."),
  humidity: Nullable(Type.Number(), "Last relative humidity received with it (%); not sent to the bus."),
  effective_temperature: Type.Number({ description: "What the bus reports now (°C)." }),
  is_stale: Type.Boolean({ description: "No reading yet, or older than max_age_seconds." }),
  age_seconds: Nullable(Type.Number(), "Seconds since the last reading (0.1 s); null if none."),
  max_age_seconds: Type.Number({ description: "THERMOSTAT_MAX_AGE." }),
  stale_fallback: Type.Number({
    description: "THERMOSTAT_STALE_FALLBACK: sent only if no reading was ever received.",
  }),
  pairing_state: Nullable(
    Type.String(),
    "unpaired, pairing_requested, beacon_responded, tentative or paired; null while disabled.",
  ),
  bus_address: Nullable(Type.Integer(), "The virtual thermostat's bus address; null when not paired."),
  effective_source: Type.String({
    description:
      "Where effective_temperature comes from: ha (Home Assistant's feed), persisted (the last value, restored at start-up), " +
      "backup:<address> (a real ecoSTER on the bus, while the feed is stale), fallback (none ever received); primary while disabled.",
  }),
  pairing_window_seconds: Nullable(
    Type.Integer(),
    "Seconds left in the open pairing window; null outside one.",
  ),
});

export const TemperatureBodySchema = Type.Object({
  temperature: Type.Number({ description: "°C from Home Assistant's temperature entity." }),
  humidity: Type.Optional(
    Type.Number({ description: "Relative humidity (%), 0–100; reported, not sent to the bus." }),
  ),
});

export const TemperatureResultSchema = Type.Object({
  success: Type.Literal(true),
  temperature: Type.Number(),
  previous_age_seconds: Nullable(Type.Number()),
  timestamp: Type.String(),
  humidity: Type.Optional(Type.Number({ description: "The stored humidity, when one was sent." })),
  forwarded_to_bus: Type.Boolean({ description: "false while the virtual thermostat is disabled." }),
});

export const ExpertParametersBodySchema = Type.Object({
  expert_writes: Type.Boolean({
    description: "EXPERT_WRITES: the gated parameters may be written (the dashboard still asks first).",
  }),
  parameters: Type.Array(
    Type.Object({
      index: Type.Integer(),
      name: Type.String(),
      gated: Type.Boolean({
        description:
          "true: refused with 403 expert-only unless EXPERT_WRITES; false: writable, confirm first.",
      }),
      kind: Type.String({ description: "reset, flash, clock, test, factory or bus." }),
      consequence: Type.String({ description: "What a write does." }),
    }),
  ),
});

export const PairResultSchema = Type.Object({
  success: Type.Literal(true),
  message: Type.String(),
  pairing_state: Type.Optional(Type.String({ description: "The pairing state after the call." })),
  pairing_window_seconds: Type.Optional(Type.Integer({ description: "Seconds left in the pairing window." })),
});

const IsoOrNull = Nullable(Type.String(), "UTC ISO 8601.");

/** Bus time apart from the token wait (gateway/bus-time.ts); null before the first. */
const BusTimeSchema = Nullable(
  Type.Object(
    {
      elapsed_ms: Type.Number({ description: "From the first request queued to the end." }),
      bus_ms: Type.Number({ description: "Of that, the time the gateway held the token." }),
      token_wait_ms: Type.Number({ description: "Of that, the time it waited for a token grant." }),
      requests: Type.Integer({ description: "Request frames sent, retries included." }),
      bytes: Type.Integer({ description: "Bytes of those requests and of the replies to them." }),
      wire_floor_ms: Type.Number({
        description: "What the wire allows: the bytes × 10 bits / baud plus one turnaround per request.",
      }),
      floor_ratio: Nullable(
        Type.Number({ description: "bus_ms / wire_floor_ms (the device's reply latency is in it)." }),
      ),
    },
    { additionalProperties: false },
  ),
);

export const StatusBodySchema = Type.Object({
  version: Type.String(),
  simulator: Type.Boolean(),
  warning: Type.Optional(
    Type.String({
      description:
        "Present when the data comes from the built-in simulator; names its timing (field: the token every ~10 s as on a real bus, or the faster demo).",
    }),
  ),
  read_only: Type.Boolean(),
  expert_writes: Type.Boolean({ description: "EXPERT_WRITES: service parameters may be written." }),
  started_at: Type.String(),
  uptime_seconds: Type.Number(),
  data_ready: Type.Boolean(),
  data: Type.Object({
    state: DataStateSchema,
    source: Nullable(Type.String(), "bus or snapshot; null when nothing is served."),
    as_of: Nullable(Type.String(), "When the served values were read completely, UTC ISO 8601."),
    age_seconds: Nullable(Type.Number()),
    stale_max_age_seconds: Type.Number({ description: "STALE_DATA_MAX_AGE." }),
    served_until: Nullable(Type.String(), "While stale: when the values stop being served, UTC ISO 8601."),
    withheld: Nullable(Type.String(), "While unavailable although values are held: too-old or changed."),
    verification: Type.String({
      description:
        "pending, checked (identity and the ends of the spaces match) or verified (and a complete poll).",
    }),
    writes_held_by: Nullable(
      Type.String(),
      "Why a write would wait now; null: it goes out at the next grant.",
    ),
  }),
  state: Nullable(
    Type.Object({ folder: Type.String(), target: Type.String(), basis: Type.String() }),
    "This bus's folder in STATE_DIR (address, snapshot).",
  ),
  link: Type.Object({
    kind: Type.String(),
    target: Type.String(),
    state: Type.String(),
    since: Type.String(),
    reconnects: Type.Integer(),
    last_error: Nullable(
      Type.Object({ code: Type.String(), message: Type.String(), hint: Nullable(Type.String()) }),
    ),
  }),
  bus: Type.Object({
    address: Nullable(Type.Integer()),
    address_state: Type.String(),
    token_required: Type.Boolean(),
    holding_token: Type.Boolean(),
    last_token_grant_at: IsoOrNull,
    waiting_for_token_since: IsoOrNull,
    queue_length: Type.Integer(),
    last_frame_at: IsoOrNull,
    grant_intervals: Type.Object({
      grants: Type.Integer(),
      last_ms: Nullable(Type.Number()),
      average_ms: Nullable(Type.Number(), "Mean of the last 60 intervals."),
      min_ms: Nullable(Type.Number()),
      max_ms: Nullable(Type.Number()),
    }),
    stats: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Record(Type.String(), Type.Number())])),
  }),
  discovery: Type.Object({
    state: Type.String(),
    source: Nullable(Type.String()),
    last_completed_at: IsoOrNull,
    last_duration_ms: Nullable(Type.Number(), "Bus time of the last discovery (token waits excluded)."),
    last_bus_time: BusTimeSchema,
    regulator_count: Type.Integer(),
    panel_count: Type.Integer(),
    batches: Type.Integer(),
    fingerprint: Nullable(
      Type.Object({ regulator_count: Type.Integer(), panel_count: Type.Integer(), hash: Type.String() }),
      "Of the current descriptors (gateway/fingerprint.ts).",
    ),
    progress: Nullable(Type.Object({ space: Type.String(), discovered: Type.Integer() })),
    last_error: Nullable(Type.String()),
  }),
  poll: Type.Object({
    cycles: Type.Integer(),
    interval_ms: Type.Integer(),
    last_completed_at: IsoOrNull,
    last_duration_ms: Nullable(Type.Number(), "Wall time of the last cycle, the token wait included."),
    last_bus_time: BusTimeSchema,
    last_cpu_ms: Nullable(Type.Number()),
    consecutive_failures: Type.Integer(),
    last_error: Nullable(Type.String()),
    first_poll_complete: Type.Boolean(),
  }),
  check: Type.Object({
    state: Type.String({ description: "pending, running, passed or changed." }),
    last_at: IsoOrNull,
    last_bus_time: BusTimeSchema,
    last_result: Nullable(Type.String()),
  }),
  alarms: Type.Object({ last_read_at: IsoOrNull, count: Type.Integer(), active: Type.Integer() }),
  parameters: Type.Object({
    count: Type.Integer(),
    exposed: Type.Integer(),
    serving_snapshot: Type.Boolean(),
  }),
});

// History (routes/history.ts, docs/history.md)

export const HistoryQuerySchema = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        description: "Start: ISO 8601 date-time or ms since the epoch. Default: 24 h before `to`.",
      }),
    ),
    to: Type.Optional(
      Type.String({ description: "End: ISO 8601 date-time or ms since the epoch. Default: now." }),
    ),
    step: Type.Optional(
      Type.String({
        description:
          "Smallest step wanted, in seconds; 60 or more asks for rollups. The answer may use a wider one (at most 2,000 points).",
      }),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal("json"), Type.Literal("csv")], {
        description: "csv: the same points as CSV (or send Accept: text/csv).",
      }),
    ),
  },
  { additionalProperties: false },
);

export const HistoryBodySchema = Type.Object(
  {
    index: Type.Integer(),
    name: Type.String(),
    unit: Type.String({ description: "Unit symbol, e.g. °C, kW; empty when none." }),
    from: Type.String({ format: "date-time" }),
    to: Type.String({ format: "date-time" }),
    resolution: Type.Union([Type.Literal("raw"), Type.Literal("minute"), Type.Literal("hour")], {
      description:
        "raw: recorded samples (on change beyond a deadband, at least every 10 min); minute/hour: rollups, merged into `step_seconds` steps.",
    }),
    step_seconds: Type.Number({ description: "Width of one point's step; 0 for raw samples." }),
    points: Type.Array(
      Type.Object({
        t: Type.String({ format: "date-time", description: "Sample time, or start of the step (UTC)." }),
        value: Type.Number({ description: "The sample, or the step's time-weighted average." }),
        min: Type.Number(),
        max: Type.Number(),
      }),
      { maxItems: 2000 },
    ),
  },
  { description: "One parameter's history; values as the controller reports them (raw units)." },
);

const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const InsightsBodySchema = Type.Object(
  {
    at: Type.String({ format: "date-time" }),
    cycling: Type.Object({
      starts_24h: Type.Integer(),
      starts_last_hour: Type.Integer(),
      short_cycles_24h: Type.Integer({ description: "Complete runs shorter than HISTORY_SHORT_CYCLE_MIN." }),
      mean_run_minutes: NullableNumber,
      mean_pause_minutes: NullableNumber,
      excessive: Type.Boolean({ description: "More than 6 short cycles in 24 h." }),
    }),
    energy: Type.Array(
      Type.Object({
        day: Type.String({ description: "UTC day, YYYY-MM-DD." }),
        electric_kwh: Type.Number(),
        heat_kwh: Type.Number(),
        cop: NullableNumber,
      }),
    ),
    live_cop: NullableNumber,
  },
  { description: "Insights from the recorded history (docs/history.md)." },
);
