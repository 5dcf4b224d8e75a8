/** The shapes the page reads from the gateway's API (GET /api/parameters, /health, /api/status, …). */

export type ParameterValue = number | boolean | string | null;

/** One parameter as GET /api/parameters and the WebSocket snapshot serve it. */
export interface Parameter {
  index: number;
  name: string;
  value: ParameterValue;
  /** Wire type code (1 int8 … 14 uint64). */
  type: number;
  /** Unit code (0 none, 1 °C, …). */
  unit: number;
  writable: boolean;
  min: number | null;
  max: number | null;
}

export interface ParametersBody {
  timestamp: string;
  parameters: Record<string, Parameter>;
}

export interface Alarm {
  index: number;
  code: number;
  from_date: string;
  to_date: string | null;
}

export type HealthState = "healthy" | "degraded" | "unhealthy";

export interface HealthBody {
  status: HealthState;
  reason: string | null;
  controller_connected: boolean;
  parameters_count: number;
  last_update: string | null;
  last_poll_age_seconds: number | null;
  uptime_seconds: number;
  simulator: boolean;
  warning?: string;
  read_only: boolean;
  /** EXPERT_WRITES: service parameters may be written (after a confirmation). */
  expert_writes?: boolean;
  version: string;
}

/** One entry of GET /api/expert-parameters: a service parameter and what a write does. */
export interface ExpertParameter {
  index: number;
  name: string;
  /** true: locked unless EXPERT_WRITES; false: writable, confirmed first. */
  gated: boolean;
  kind: string;
  consequence: string;
}

export interface ExpertParametersBody {
  expert_writes: boolean;
  parameters: ExpertParameter[];
}

export interface WriteResult {
  success: true;
  name: string;
  parameter: string;
  index: number;
  old_value: ParameterValue;
  new_value: ParameterValue;
  confirmation: string;
  /** The write job's state when the answer was given (`confirmed`, `queued`, `sending`, `superseded`). */
  state: WriteJobState;
  write_id: string;
  duration_ms: number;
  timestamp: string;
}

export type WriteJobState = "queued" | "sending" | "confirmed" | "failed" | "superseded" | "expired";

/** GET /api/writes/{id}, and the 202 answer to a write sent with `Prefer: respond-async`. */
export interface WriteJob {
  write_id: string;
  state: WriteJobState;
  name: string;
  index: number;
  value: ParameterValue;
  old_value: ParameterValue;
  new_value: ParameterValue;
  confirmation: string | null;
  error: string | null;
  detail: string | null;
  sent: boolean;
  superseded_by: string | null;
  duration_ms: number | null;
  waiting_for: "link" | "first-poll" | "token" | null;
  expected_send_in_ms: number | null;
}

/** GET /api/status (only the parts the page reads are typed; the rest is shown as it comes). */
export interface StatusBody {
  version: string;
  simulator: boolean;
  read_only: boolean;
  started_at: string;
  uptime_seconds: number;
  data_ready: boolean;
  link: {
    kind: string;
    target: string;
    state: string;
    since: string;
    reconnects: number;
    last_error: { code: string; message: string; hint: string | null } | null;
  };
  bus: {
    address: number | null;
    address_state: string;
    token_required: boolean;
    holding_token: boolean;
    last_token_grant_at: string | null;
    waiting_for_token_since: string | null;
    queue_length: number;
    last_frame_at: string | null;
    stats: Record<string, number | Record<string, number>>;
  };
  discovery: {
    state: string;
    source: string | null;
    last_completed_at: string | null;
    last_duration_ms: number | null;
    regulator_count: number;
    panel_count: number;
    batches: number;
    last_error: string | null;
  };
  poll: {
    cycles: number;
    interval_ms: number;
    last_completed_at: string | null;
    last_duration_ms: number | null;
    consecutive_failures: number;
    last_error: string | null;
  };
  alarms: { last_read_at: string | null; count: number; active: number };
  parameters: { count: number; exposed: number; serving_snapshot: boolean };
}

/** The fields of GET /api/thermostat/status the card shows (newer gateways send more). */
export interface ThermostatStatusBody {
  enabled: boolean;
  temperature: number | null;
  humidity?: number | null;
  effective_temperature: number;
  effective_source: string;
  is_stale: boolean;
  age_seconds: number | null;
  max_age_seconds: number;
  pairing_state: string | null;
  bus_address: number | null;
  pairing_window_seconds?: number | null;
}

/** WebSocket `/ws/parameters` messages (docs/websocket.md). */
export interface LiveStatus {
  link: string;
  data_ready: boolean;
  data_state?: "fresh" | "stale" | "unavailable";
  health: HealthState;
  reason: string | null;
  discovery: string;
}

export type LiveMessage =
  | {
      type: "snapshot";
      timestamp: string;
      status: LiveStatus;
      alarms: Alarm[];
      parameters: Record<string, Parameter>;
    }
  | {
      type: "change";
      timestamp: string;
      index: number;
      name: string;
      value: ParameterValue;
      old_value: ParameterValue;
      origin: string;
    }
  | ({ type: "status"; timestamp: string } & LiveStatus)
  | { type: "alarms"; timestamp: string; active: number; alarms: Alarm[] }
  | ({ type: "thermostat"; timestamp: string } & ThermostatStatusBody);
