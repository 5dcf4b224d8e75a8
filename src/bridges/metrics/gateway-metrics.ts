/**
 * Prometheus metrics of the gateway in their own registry: the bus (frames, bytes, CRC errors,
 * discarded bytes, timeouts, retries and failures by reason, token waits and holds), discovery,
 * polling, writes, alarms, the live bridges' state, HTTP requests, and the parameter values
 * themselves as gauges so Grafana can chart the heat pump.
 *
 * Cumulative bus counters are read from the bus's statistics when scraped (a handful of numbers);
 * parameter gauges are updated from the store's change events, never by walking the store on a
 * scrape; durations are observed from the core's events.
 */

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type {
  Alarm,
  BusTimeFigures,
  GatewayPort,
  ParameterChange,
  ParameterEntry,
  WriteError,
} from "../../port/index.js";
import { FINAL_WRITE_JOB_STATES, listen, type WriteJob, type WriteRequest } from "../../port/index.js";
import { isTypeCode, type ParameterValue, TYPE_INFO } from "../../protocol/index.js";

export type MetricsCore = Pick<
  GatewayPort,
  "store" | "busStats" | "busActivity" | "writes" | "status" | "alarms" | "on" | "off" | "clock"
>;

export interface GatewayMetricsOptions {
  /** Node.js process metrics (CPU, memory, event loop delay, GC) with the `gm3_` prefix. */
  processMetrics: boolean;
  /** Export numeric parameter values as `gm3_parameter_value{index,name}`. */
  parameterValues: boolean;
}

/** What the live bridges report, without the metrics importing them. */
export interface LiveSources {
  websocketClients?: () => number;
  websocketDisconnectedSlow?: () => number;
  websocketMessages?: () => number;
  mqttConnected?: () => boolean;
  mqttConnections?: () => number;
  mqttStatesPublished?: () => number;
}

export const METRIC_PREFIX = "gm3_";

const NAN_VALUE = / Nan$/gm;

const MS_PER_S = 1000;
/** HTTP series that exist from the start: Home Assistant's poll calls, answered or refused. */
const PREINITIALISED_HTTP: readonly (readonly [string, string, string])[] = [
  ...["/api/parameters", "/api/alarms", "/api/thermostat/status"].flatMap((route) =>
    ["200", "503"].map((status) => ["GET", route, status] as const),
  ),
  ...["200", "400", "503"].map((status) => ["POST", "/api/parameters/:name", status] as const),
];
/** The controller's "no sensor" reading of a float (HA-COMPAT.md §5). */
const NO_SENSOR = 999;
/** HTTP answers come from the cache in well under a millisecond to a few ms. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A poll of ~1,870 parameters takes about a second at 115200 baud. */
const POLL_BUCKETS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 60];
/**
 * Write jobs from acceptance to their end: the token comes about every 10 s, and a job may wait up
 * to WRITE_DEADLINE (60 s by default, at most 600 s).
 */
const WRITE_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 300, 600];
/** The panel grants about every 10 s; a discovery holds the token for seconds. */
const TOKEN_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30];

/**
 * A parameter's value as a number, or undefined for strings and unknown values. No NaN is exported:
 * prom-client writes it as `Nan`, which strict parsers refuse; an unknown value has no series.
 */
function numeric(entry: ParameterEntry, value: ParameterValue | undefined): number | undefined {
  const type = entry.definition.type;
  if (!isTypeCode(type) || value === undefined) return undefined;
  const kind = TYPE_INFO[type].kind;
  if (kind === "string") return undefined;
  // 999.0 on a float is "no sensor fitted" (HA-COMPAT.md §5), not a reading: no sample.
  if (typeof value === "number") {
    if (!Number.isFinite(value) || (kind === "float" && value === NO_SENSOR)) return undefined;
    return value;
  }
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}

/**
 * A counter that mirrors a monotonically growing number read at scrape time. A labelled series
 * exists from the start (at 0), so rate() and alerts see its first increase.
 */
function mirrored(counter: Counter<string>, read: () => number, labels: Record<string, string> = {}) {
  let last = 0;
  if (Object.keys(labels).length > 0) counter.inc(labels, 0);
  return () => {
    const now = read();
    if (now > last) counter.inc(labels, now - last);
    last = Math.max(last, now);
  };
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly sources: LiveSources = {};
  private readonly detach: (() => void)[] = [];
  private readonly http: { requests: Counter<string>; duration: Histogram<string> };
  private readonly parameterValue: Gauge<string> | undefined;
  private holdStartedAt: number | undefined;
  private lastTokenWaitTotalMs = 0;

  constructor(
    private readonly core: MetricsCore,
    options: GatewayMetricsOptions,
  ) {
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: p });

    this.http = {
      requests: new Counter({
        name: `${p}http_requests_total`,
        help: "HTTP requests answered, by method, route and status code",
        labelNames: ["method", "route", "status"],
        registers,
      }),
      duration: new Histogram({
        name: `${p}http_request_duration_seconds`,
        help: "Time to answer an HTTP request, by method, route and status code",
        labelNames: ["method", "route", "status"],
        buckets: HTTP_BUCKETS,
        registers,
      }),
    };
    // The calls Home Assistant polls, answered or not, have series from the start (their label
    // set is otherwise open: every route and status seen).
    for (const [method, route, status] of PREINITIALISED_HTTP) {
      this.http.requests.inc({ method, route, status }, 0);
    }

    this.busMetrics(registers);
    this.serviceMetrics(registers);
    this.liveMetrics(registers);

    if (options.parameterValues) {
      this.parameterValue = new Gauge({
        name: `${p}parameter_value`,
        help: "Current value of each numeric parameter (raw, as the API serves it; no series while unknown or 999 = no sensor); unit = the descriptor's unit, type = the wire type (uint32 includes bitmaps and schedules)",
        labelNames: ["index", "name", "unit", "type"],
        registers,
      });
      const onChange = (change: ParameterChange) => this.setParameter(change.index, change.value);
      const onDefinitions = () => this.resetParameters();
      this.detach.push(listen(core, { change: onChange, definitions: onDefinitions }));
      this.resetParameters();
    }
  }

  /** Tells the metrics where the live bridges' figures come from (each optional). */
  setLiveSources(sources: LiveSources): void {
    Object.assign(this.sources, sources);
  }

  /** Called by the HTTP layer once per answered request. */
  observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.http.requests.inc(labels);
    this.http.duration.observe(labels, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text. */
  async text(): Promise<string> {
    // prom-client spells NaN `Nan` (its event-loop gauges before the first sample); the format says NaN.
    return (await this.registry.metrics()).replace(NAN_VALUE, " NaN");
  }

  stop(): void {
    for (const detach of this.detach.splice(0)) detach();
  }

  // --- groups ---------------------------------------------------------------------------------

  private busMetrics(registers: Registry[]): void {
    const p = METRIC_PREFIX;
    const core = () => this.core;
    const stats = () => this.core.busStats;
    const counter = (name: string, help: string, read: () => number) => {
      const metric: Counter<string> = new Counter({
        name: `${p}${name}`,
        help,
        registers,
        collect: () => sync(),
      });
      const sync = mirrored(metric, read);
    };
    counter("bus_frames_received_total", "Valid frames received from the bus", () => stats().framesIn);
    counter("bus_frames_sent_total", "Frames the gateway transmitted", () => stats().framesOut);
    counter("bus_bytes_received_total", "Bytes received from the link", () => stats().bytesIn);
    counter("bus_bytes_sent_total", "Bytes written to the link", () => stats().bytesOut);
    counter("bus_crc_errors_total", "Frames dropped for a CRC mismatch", () => stats().crcErrors);
    counter(
      "bus_discarded_bytes_total",
      "Bytes the framer discarded while resynchronising",
      () => stats().discardedBytes,
    );
    counter("bus_requests_total", "Requests sent (first attempts)", () => stats().requests);
    counter("bus_timeouts_total", "Attempts that got no reply in time", () => stats().timeouts);
    counter(
      "bus_late_replies_total",
      "Replies that arrived after their request timed out",
      () => stats().lateReplies,
    );
    counter("bus_token_grants_total", "Token grants received from the panel", () => stats().tokenGrants);
    counter(
      "bus_token_wait_seconds_total",
      "Time requests spent waiting for a token grant",
      () => stats().tokenWaitMsTotal / MS_PER_S,
    );
    counter(
      "bus_token_hold_seconds_total",
      "Time the gateway held the token",
      () => stats().tokenHoldMsTotal / MS_PER_S,
    );

    const retries = new Counter({
      name: `${p}bus_retries_total`,
      help: "Re-transmissions, by the reason of the failed attempt",
      labelNames: ["reason"],
      registers,
      collect: () => {
        for (const sync of retrySyncs) sync();
      },
    });
    const retrySyncs = (["timeout", "garbled"] as const).map((reason) =>
      mirrored(retries, () => stats().retries[reason], { reason }),
    );
    const failures = new Counter({
      name: `${p}bus_request_failures_total`,
      help: "Requests that failed after every attempt, by reason",
      labelNames: ["reason"],
      registers,
      collect: () => {
        for (const sync of failureSyncs) sync();
      },
    });
    const failureSyncs = Object.keys(stats().failures).map((reason) =>
      mirrored(failures, () => stats().failures[reason as keyof ReturnType<typeof stats>["failures"]], {
        reason,
      }),
    );

    new Gauge({
      name: `${p}bus_queue_length`,
      help: "Requests waiting for the bus",
      registers,
      collect() {
        this.set(core().busActivity().queueLength);
      },
    });
    new Gauge({
      name: `${p}bus_holding_token`,
      help: "1 while the gateway holds the token",
      registers,
      collect() {
        this.set(core().busActivity().holdingToken ? 1 : 0);
      },
    });
    new Gauge({
      name: `${p}link_up`,
      help: "1 while the link to the bus (serial, TCP, simulator) is up",
      registers,
      collect() {
        this.set(core().status().link.state === "up" ? 1 : 0);
      },
    });
    const reconnects = new Counter({
      name: `${p}link_reconnects_total`,
      help: "Times the link was reopened after being up",
      registers,
      collect: () => reconnectSync(),
    });
    const reconnectSync = mirrored(reconnects, () => this.core.status().link.reconnects);

    const tokenWait = new Histogram({
      name: `${p}bus_token_wait_seconds`,
      help: "Wait for a token grant, per grant that had requests waiting",
      buckets: TOKEN_BUCKETS,
      registers,
    });
    const tokenHold = new Histogram({
      name: `${p}bus_token_hold_seconds`,
      help: "How long the gateway held the token, per grant",
      buckets: TOKEN_BUCKETS,
      registers,
    });
    const onToken = ({ holding }: { holding: boolean }) => {
      const now = this.core.clock.now();
      if (holding) {
        this.holdStartedAt = now;
        const total = stats().tokenWaitMsTotal;
        if (total > this.lastTokenWaitTotalMs) tokenWait.observe(stats().lastTokenWaitMs / MS_PER_S);
        this.lastTokenWaitTotalMs = total;
      } else if (this.holdStartedAt !== undefined) {
        tokenHold.observe((now - this.holdStartedAt) / MS_PER_S);
        this.holdStartedAt = undefined;
      }
    };
    this.lastTokenWaitTotalMs = stats().tokenWaitMsTotal;
    this.detach.push(listen(this.core, { token: onToken }));
  }

  private serviceMetrics(registers: Registry[]): void {
    const p = METRIC_PREFIX;
    const core = () => this.core;
    new Gauge({
      name: `${p}discovery_duration_seconds`,
      help: "Bus time of the last parameter discovery (token waits excluded; 0 before the first)",
      registers,
      collect() {
        const ms = core().status().discovery.lastDurationMs;
        this.set(ms === undefined ? 0 : ms / MS_PER_S);
      },
    });
    new Gauge({
      name: `${p}parameters`,
      help: "Parameters known, by space",
      labelNames: ["space"],
      registers,
      collect() {
        const { discovery } = core().status();
        this.set({ space: "regulator" }, discovery.regulatorCount);
        this.set({ space: "panel" }, discovery.panelCount);
      },
    });
    const pollDuration = new Histogram({
      name: `${p}poll_cycle_duration_seconds`,
      help: "Duration of complete poll cycles, the wait for the token included",
      buckets: POLL_BUCKETS,
      registers,
    });
    const pollBus = new Histogram({
      name: `${p}poll_cycle_bus_seconds`,
      help: "Bus time of complete poll cycles: time holding the token, the wait for it excluded",
      buckets: POLL_BUCKETS,
      registers,
    });
    const pollWait = new Histogram({
      name: `${p}poll_cycle_token_wait_seconds`,
      help: "Time complete poll cycles waited for the panel's token grant",
      buckets: TOKEN_BUCKETS,
      registers,
    });
    const onPoll = () => {
      const { lastDurationMs, lastBusTime } = this.core.status().poll;
      if (lastDurationMs !== undefined) pollDuration.observe(lastDurationMs / MS_PER_S);
      if (lastBusTime !== undefined) {
        pollBus.observe(lastBusTime.busMs / MS_PER_S);
        pollWait.observe(lastBusTime.tokenWaitMs / MS_PER_S);
      }
    };
    // The last poll cycle's, discovery's and controller check's figures, one series per operation.
    const busTimeGauge = (name: string, help: string, read: (figures: BusTimeFigures) => number) =>
      new Gauge({
        name: `${p}${name}`,
        help,
        labelNames: ["operation"],
        registers,
        collect() {
          const status = core().status();
          const operations = [
            ["poll", status.poll.lastBusTime],
            ["discovery", status.discovery.lastBusTime],
            ["check", status.check.lastBusTime],
          ] as const;
          for (const [operation, figures] of operations) {
            if (figures !== undefined) this.set({ operation }, read(figures) / MS_PER_S);
          }
        },
      });
    busTimeGauge(
      "bus_time_seconds",
      "Bus time of the last poll cycle, discovery and controller check (time holding the token)",
      (f) => f.busMs,
    );
    busTimeGauge(
      "bus_token_wait_last_seconds",
      "Token wait of the last poll cycle, discovery and controller check",
      (f) => f.tokenWaitMs,
    );
    busTimeGauge(
      "bus_wire_floor_seconds",
      "What the wire allows for the same exchanges: their bytes at the baud rate plus one turnaround per request",
      (f) => f.wireFloorMs,
    );
    new Gauge({
      name: `${p}bus_grant_interval_seconds`,
      help: "Time between the panel's token grants to the gateway, as observed (last, and mean/min/max of the recent ones)",
      labelNames: ["stat"],
      registers,
      collect() {
        const g = core().status().bus.grantIntervals;
        for (const [stat, ms] of [
          ["last", g.lastMs],
          ["mean", g.averageMs],
          ["min", g.minMs],
          ["max", g.maxMs],
        ] as const) {
          if (ms !== undefined) this.set({ stat }, ms / MS_PER_S);
        }
      },
    });
    // The bridges start on a running core: a poll completed before they did (the first one, which
    // the gateway waits for) is observed from the status, so the histogram counts it too.
    if (this.core.status().poll.lastCompletedAt !== undefined) onPoll();
    this.detach.push(listen(this.core, { pollComplete: onPoll }));
    const cycles = new Counter({
      name: `${p}poll_cycles_total`,
      help: "Poll cycles run, complete or not",
      registers,
      collect: () => cyclesSync(),
    });
    const cyclesSync = mirrored(cycles, () => this.core.status().poll.cycles);
    new Gauge({
      name: `${p}poll_last_complete_age_seconds`,
      help: "Seconds since the last complete poll (since the gateway started, before the first)",
      registers,
      collect() {
        const at = core().store.lastPollAt ?? core().status().startedAt;
        this.set((core().clock.now() - at) / MS_PER_S);
      },
    });
    new Gauge({
      name: `${p}poll_consecutive_failures`,
      help: "Incomplete poll cycles in a row",
      registers,
      collect() {
        this.set(core().status().poll.consecutiveFailures);
      },
    });
    new Gauge({
      name: `${p}data_ready`,
      help: "1 while the gateway serves a complete set of parameters (fresh, or stale within STALE_DATA_MAX_AGE)",
      registers,
      collect() {
        this.set(core().status().dataReady ? 1 : 0);
      },
    });
    new Gauge({
      name: `${p}data_state`,
      help: "1 for the state the served data is in: fresh, stale (served with its age) or unavailable (503)",
      labelNames: ["state"],
      registers,
      collect() {
        const state = core().status().data.state;
        for (const s of ["fresh", "stale", "unavailable"] as const)
          this.set({ state: s }, s === state ? 1 : 0);
      },
    });
    new Gauge({
      name: `${p}data_age_seconds`,
      help: "Age of the served values (since their last complete read); no sample while none are served",
      registers,
      collect() {
        this.reset();
        const { asOf } = core().status().data;
        if (asOf !== undefined) this.set((core().clock.now() - asOf) / MS_PER_S);
      },
    });

    const writes = new Counter({
      name: `${p}writes_total`,
      help: "Writes by outcome (refused before becoming a job, or how the job ended: confirmed, failed, superseded, expired) and reason",
      labelNames: ["outcome", "reason"],
      registers,
    });
    // Every end is a series from the start, so rate() and alerts see the first failure too.
    for (const [outcome, reason] of [
      ["confirmed", "ok"],
      ["confirmed", "unchanged"],
      ["superseded", "ok"],
      ["expired", "expired"],
      ["failed", "rejected"],
      ["failed", "not-confirmed"],
      ["failed", "link-down"],
      ["failed", "shutdown"],
    ] as const) {
      writes.inc({ outcome, reason }, 0);
    }
    const writeDuration = new Histogram({
      name: `${p}write_duration_seconds`,
      help: "Write jobs from acceptance to their end (waiting for the bus included), by how they ended",
      labelNames: ["outcome"],
      buckets: WRITE_BUCKETS,
      registers,
    });
    for (const outcome of FINAL_WRITE_JOB_STATES) writeDuration.zero({ outcome });
    new Gauge({
      name: `${p}write_jobs_queued`,
      help: "Write jobs accepted and not ended yet (waiting for the bus or being sent)",
      registers,
      collect() {
        this.set(core().writes.active);
      },
    });
    const onEnded = (job: WriteJob) => {
      const reason = job.error?.failure ?? (job.outcome?.confirmation === "unchanged" ? "unchanged" : "ok");
      writes.inc({ outcome: job.state, reason });
      writeDuration.observe(
        { outcome: job.state },
        ((job.endedAt ?? job.acceptedAt) - job.acceptedAt) / MS_PER_S,
      );
    };
    const onRefused = (_request: WriteRequest, error: WriteError) => {
      writes.inc({ outcome: "refused", reason: error.failure });
    };
    this.detach.push(listen(this.core, { writeEnded: onEnded, writeRefused: onRefused }));

    const alarms = new Gauge({
      name: `${p}alarms`,
      help: "Alarms in the panel's log, by state",
      labelNames: ["state"],
      registers,
    });
    const onAlarms = (list: readonly Alarm[]) => {
      const active = list.filter((a) => a.toDate === null).length;
      alarms.set({ state: "active" }, active);
      alarms.set({ state: "ended" }, list.length - active);
    };
    onAlarms(this.core.alarms);
    this.detach.push(listen(this.core, { alarms: onAlarms }));
  }

  private liveMetrics(registers: Registry[]): void {
    const p = METRIC_PREFIX;
    const sources = this.sources;
    new Gauge({
      name: `${p}websocket_clients`,
      help: "Connected WebSocket clients",
      registers,
      collect() {
        this.set(sources.websocketClients?.() ?? 0);
      },
    });
    const slow = new Counter({
      name: `${p}websocket_slow_disconnects_total`,
      help: "WebSocket clients closed because they fell too far behind",
      registers,
      collect: () => slowSync(),
    });
    const slowSync = mirrored(slow, () => sources.websocketDisconnectedSlow?.() ?? 0);
    const messages = new Counter({
      name: `${p}websocket_messages_total`,
      help: "Messages sent to WebSocket clients",
      registers,
      collect: () => messagesSync(),
    });
    const messagesSync = mirrored(messages, () => sources.websocketMessages?.() ?? 0);
    new Gauge({
      name: `${p}mqtt_connected`,
      help: "1 while connected to the MQTT broker (0 when MQTT is off)",
      registers,
      collect() {
        this.set(sources.mqttConnected?.() ? 1 : 0);
      },
    });
    const connections = new Counter({
      name: `${p}mqtt_connections_total`,
      help: "Successful connections to the MQTT broker",
      registers,
      collect: () => connectionsSync(),
    });
    const connectionsSync = mirrored(connections, () => sources.mqttConnections?.() ?? 0);
    const states = new Counter({
      name: `${p}mqtt_states_published_total`,
      help: "Parameter states published on MQTT",
      registers,
      collect: () => statesSync(),
    });
    const statesSync = mirrored(states, () => sources.mqttStatesPublished?.() ?? 0);
  }

  // --- parameter values -----------------------------------------------------------------------

  private setParameter(index: number, value: ParameterValue | undefined): void {
    const entry = this.core.store.get(index);
    if (!entry?.definition.exposed || !this.parameterValue) return;
    const number = numeric(entry, value);
    const { type } = entry.definition;
    const labels = {
      index: String(index),
      name: entry.definition.name,
      unit: entry.definition.unit.symbol,
      type: isTypeCode(type) ? TYPE_INFO[type].name : String(type),
    };
    if (number === undefined) this.parameterValue.remove(labels);
    else this.parameterValue.set(labels, number);
  }

  private resetParameters(): void {
    if (!this.parameterValue) return;
    this.parameterValue.reset();
    for (const entry of this.core.store.all()) this.setParameter(entry.definition.index, entry.value);
  }
}
