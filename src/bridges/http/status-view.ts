/** GET /api/status: the core's state in snake_case JSON, times as UTC ISO 8601. */
import type { BusTimeFigures, GatewayStatus } from "../../port/index.js";
import { type SimTimingName, simTimingSummary } from "../../port/index.js";
import { ageSeconds, utcIso } from "../../views/timestamps.js";

const round1 = (ms: number) => Math.round(ms * 10) / 10;

function busTimeBody(figures: BusTimeFigures | undefined): Record<string, unknown> | null {
  if (!figures) return null;
  return {
    elapsed_ms: round1(figures.elapsedMs),
    bus_ms: round1(figures.busMs),
    token_wait_ms: round1(figures.tokenWaitMs),
    requests: figures.requests,
    bytes: figures.bytes,
    wire_floor_ms: round1(figures.wireFloorMs),
    floor_ratio:
      figures.wireFloorMs > 0 ? Math.round((figures.busMs / figures.wireFloorMs) * 1000) / 1000 : null,
  };
}

/**
 * Said by /health and /api/status (and so by the dashboard's banner) whenever the data comes from
 * the built-in simulator, naming the simulator's timing so a demo's quick token is not taken for a
 * real bus's.
 */
export function simulatorWarning(timing: SimTimingName): string {
  return `SIMULATED heat pump — ${simTimingSummary(timing)}. No SERIAL_PORT is configured: the data is not from a real controller.`;
}

export function statusBody(
  status: GatewayStatus,
  extra: { version: string; pollIntervalMs: number; simTiming: SimTimingName },
  now = Date.now(),
): Record<string, unknown> {
  const { link, bus, discovery, poll, alarms, parameters, data, check } = status;
  const grants = bus.grantIntervals;
  return {
    version: extra.version,
    simulator: status.simulator,
    ...(status.simulator ? { warning: simulatorWarning(extra.simTiming) } : {}),
    read_only: status.readOnly,
    expert_writes: status.expertWrites,
    started_at: utcIso(status.startedAt),
    uptime_seconds: Math.round((now - status.startedAt) / 100) / 10,
    data_ready: status.dataReady,
    data: {
      state: data.state,
      source: data.source ?? null,
      as_of: utcIso(data.asOf),
      age_seconds: ageSeconds(data.asOf, now),
      stale_max_age_seconds: data.staleMaxAgeMs / 1000,
      served_until: utcIso(data.servedUntil),
      withheld: data.withheld ?? null,
      verification: data.verification,
      writes_held_by: data.writesHeldBy ?? null,
    },
    state: status.state ? { ...status.state } : null,
    link: {
      kind: link.kind,
      target: link.target,
      state: link.state,
      since: utcIso(link.since),
      reconnects: link.reconnects,
      last_error: link.lastError
        ? { code: link.lastError.code, message: link.lastError.message, hint: link.lastError.hint ?? null }
        : null,
    },
    bus: {
      address: bus.address ?? null,
      address_state: bus.addressState,
      token_required: bus.tokenRequired,
      holding_token: bus.holdingToken,
      last_token_grant_at: utcIso(bus.lastTokenGrantAt),
      waiting_for_token_since: utcIso(bus.waitingForTokenSince),
      queue_length: bus.queueLength,
      last_frame_at: utcIso(bus.stats.lastFrameAt),
      grant_intervals: {
        grants: grants.grants,
        last_ms: grants.lastMs ?? null,
        average_ms: grants.averageMs === undefined ? null : round1(grants.averageMs),
        min_ms: grants.minMs ?? null,
        max_ms: grants.maxMs ?? null,
      },
      stats: {
        frames_in: bus.stats.framesIn,
        frames_out: bus.stats.framesOut,
        bytes_in: bus.stats.bytesIn,
        bytes_out: bus.stats.bytesOut,
        crc_errors: bus.stats.crcErrors,
        discarded_bytes: bus.stats.discardedBytes,
        requests: bus.stats.requests,
        responses: bus.stats.responses,
        late_replies: bus.stats.lateReplies,
        timeouts: bus.stats.timeouts,
        retries: { ...bus.stats.retries },
        failures: { ...bus.stats.failures },
        identify_answers: bus.stats.identifyAnswers,
        token_grants: bus.stats.tokenGrants,
        token_returns: bus.stats.tokenReturns,
        token_wait_ms_total: bus.stats.tokenWaitMsTotal,
        last_token_wait_ms: bus.stats.lastTokenWaitMs,
        token_hold_ms_total: bus.stats.tokenHoldMsTotal,
        last_token_hold_ms: bus.stats.lastTokenHoldMs,
      },
    },
    discovery: {
      state: discovery.state,
      source: discovery.source ?? null,
      last_completed_at: utcIso(discovery.lastCompletedAt),
      last_duration_ms: discovery.lastDurationMs ?? null,
      last_bus_time: busTimeBody(discovery.lastBusTime),
      regulator_count: discovery.regulatorCount,
      panel_count: discovery.panelCount,
      batches: discovery.batches,
      fingerprint: discovery.fingerprint
        ? {
            regulator_count: discovery.fingerprint.regulatorCount,
            panel_count: discovery.fingerprint.panelCount,
            hash: discovery.fingerprint.hash,
          }
        : null,
      progress: discovery.progress ? { ...discovery.progress } : null,
      last_error: discovery.lastError ?? null,
    },
    poll: {
      cycles: poll.cycles,
      interval_ms: extra.pollIntervalMs,
      last_completed_at: utcIso(poll.lastCompletedAt),
      last_duration_ms: poll.lastDurationMs ?? null,
      last_bus_time: busTimeBody(poll.lastBusTime),
      last_cpu_ms: poll.lastCpuMs ?? null,
      consecutive_failures: poll.consecutiveFailures,
      last_error: poll.lastError ?? null,
      first_poll_complete: poll.firstPollComplete,
    },
    check: {
      state: check.state,
      last_at: utcIso(check.lastAt),
      last_bus_time: busTimeBody(check.lastBusTime),
      last_result: check.lastResult ?? null,
    },
    alarms: { last_read_at: utcIso(alarms.lastReadAt), count: alarms.count, active: alarms.active },
    parameters: {
      count: parameters.count,
      exposed: parameters.exposed,
      serving_snapshot: parameters.servingSnapshot,
    },
  };
}
