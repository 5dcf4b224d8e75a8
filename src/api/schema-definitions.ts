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

export const WriteResultSchema = Type.Object({
  success: Type.Literal(true),
  name: Type.String({ description: "The name from the path." }),
  parameter: Type.String({ description: "The parameter's own name." }),
  index: Type.Integer(),
  old_value: ParameterValueSchema,
  new_value: ParameterValueSchema,
  confirmation: Type.String({ description: "`ack+read-back`, `ack` or `read-back`." }),
  duration_ms: Type.Integer(),
  timestamp: Type.String({ description: "Naive local ISO 8601." }),
});

export const AlarmSchema = Type.Object({
  index: Type.Integer({ description: "Position in the panel's alarm log." }),
  code: Type.Integer(),
  from_date: Type.String({ description: "Naive ISO 8601, controller's clock." }),
  to_date: Nullable(Type.String(), "null while the alarm is active."),
});

export const AlarmsBodySchema = Type.Object({
  alarms: Type.Array(AlarmSchema, { description: "Newest first." }),
});

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
  last_update: Nullable(Type.String(), "Last complete poll, naive local ISO 8601."),
  last_poll_age_seconds: Nullable(Type.Number()),
  uptime_seconds: Type.Number(),
  simulator: Type.Boolean({ description: "true: the data comes from the built-in simulator." }),
  warning: Type.Optional(
    Type.String({ description: "Present on the simulator; names its timing (SIM_TIMING)." }),
  ),
  read_only: Type.Boolean(),
  version: Type.String(),
});

export const ThermostatStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  temperature: Nullable(Type.Number()),
  effective_temperature: Type.Number(),
  is_stale: Type.Boolean(),
  age_seconds: Nullable(Type.Number()),
  max_age_seconds: Type.Number(),
  stale_fallback: Type.Number(),
  pairing_state: Nullable(Type.String()),
  bus_address: Nullable(Type.Integer()),
  effective_source: Type.String(),
});

export const TemperatureBodySchema = Type.Object({
  temperature: Type.Number({ description: "°C from Home Assistant's temperature entity." }),
});

export const TemperatureResultSchema = Type.Object({
  success: Type.Literal(true),
  temperature: Type.Number(),
  previous_age_seconds: Nullable(Type.Number()),
  timestamp: Type.String(),
  forwarded_to_bus: Type.Boolean({ description: "false while the virtual thermostat is disabled." }),
});

export const PairResultSchema = Type.Object({ success: Type.Literal(true), message: Type.String() });

const IsoOrNull = Nullable(Type.String(), "UTC ISO 8601.");

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
  started_at: Type.String(),
  uptime_seconds: Type.Number(),
  data_ready: Type.Boolean(),
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
    stats: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Record(Type.String(), Type.Number())])),
  }),
  discovery: Type.Object({
    state: Type.String(),
    source: Nullable(Type.String()),
    last_completed_at: IsoOrNull,
    last_duration_ms: Nullable(Type.Number()),
    regulator_count: Type.Integer(),
    panel_count: Type.Integer(),
    batches: Type.Integer(),
    progress: Nullable(Type.Object({ space: Type.String(), discovered: Type.Integer() })),
    last_error: Nullable(Type.String()),
  }),
  poll: Type.Object({
    cycles: Type.Integer(),
    interval_ms: Type.Integer(),
    last_completed_at: IsoOrNull,
    last_duration_ms: Nullable(Type.Number()),
    last_cpu_ms: Nullable(Type.Number()),
    consecutive_failures: Type.Integer(),
    last_error: Nullable(Type.String()),
    first_poll_complete: Type.Boolean(),
  }),
  alarms: Type.Object({ last_read_at: IsoOrNull, count: Type.Integer(), active: Type.Integer() }),
  parameters: Type.Object({
    count: Type.Integer(),
    exposed: Type.Integer(),
    serving_snapshot: Type.Boolean(),
  }),
});
