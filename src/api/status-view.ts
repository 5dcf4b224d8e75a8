/** GET /api/status: the core's state in snake_case JSON, times as UTC ISO 8601. */
import type { GatewayStatus } from "../gateway/status.js";
import { type SimTimingName, simTimingSummary } from "../sim/timing.js";
import { utcIso } from "../views/timestamps.js";

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
  const { link, bus, discovery, poll, alarms, parameters } = status;
  return {
    version: extra.version,
    simulator: status.simulator,
    ...(status.simulator ? { warning: simulatorWarning(extra.simTiming) } : {}),
    read_only: status.readOnly,
    started_at: utcIso(status.startedAt),
    uptime_seconds: Math.round((now - status.startedAt) / 100) / 10,
    data_ready: status.dataReady,
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
      regulator_count: discovery.regulatorCount,
      panel_count: discovery.panelCount,
      batches: discovery.batches,
      progress: discovery.progress ? { ...discovery.progress } : null,
      last_error: discovery.lastError ?? null,
    },
    poll: {
      cycles: poll.cycles,
      interval_ms: extra.pollIntervalMs,
      last_completed_at: utcIso(poll.lastCompletedAt),
      last_duration_ms: poll.lastDurationMs ?? null,
      last_cpu_ms: poll.lastCpuMs ?? null,
      consecutive_failures: poll.consecutiveFailures,
      last_error: poll.lastError ?? null,
      first_poll_complete: poll.firstPollComplete,
    },
    alarms: { last_read_at: utcIso(alarms.lastReadAt), count: alarms.count, active: alarms.active },
    parameters: {
      count: parameters.count,
      exposed: parameters.exposed,
      serving_snapshot: parameters.servingSnapshot,
    },
  };
}
