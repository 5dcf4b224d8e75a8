/** The core's status as `/api/status`, the metrics and the dashboard read it: a copy, never live state. */
import type { BusState } from "./bus-state.js";
import type { RoomThermostatHealth } from "./core-thermostat.js";
import type { CoreParts } from "./core-types.js";
import type { GatewayStatus } from "./status.js";

export function gatewayStatus(
  p: CoreParts,
  startedAt: number,
  busState: BusState | undefined,
  thermostat?: RoomThermostatHealth,
): GatewayStatus {
  let exposed = 0;
  for (const entry of p.store.all()) if (entry.definition.exposed) exposed++;
  const data = p.state.dataStatus(p.writeGate.reason());
  const state = data.state;
  return {
    startedAt: startedAt,
    simulator: p.options.simulator,
    readOnly: p.options.readOnly,
    expertWrites: p.options.expertWrites ?? false,
    link: { ...p.state.linkStatus },
    bus: {
      address: p.address.address,
      addressState: p.address.state,
      tokenRequired: p.options.tokenRequired,
      holdingToken: p.bus.holdingToken,
      lastTokenGrantAt: p.state.lastTokenGrantAt,
      waitingForTokenSince: p.bus.waitingForTokenSinceTime,
      queueLength: p.bus.queueLength,
      grantIntervals: p.grants.figures,
      stats: {
        ...p.bus.stats,
        retries: { ...p.bus.stats.retries },
        failures: { ...p.bus.stats.failures },
      },
    },
    state: busState
      ? {
          folder: busState.directory.path,
          target: busState.target.key,
          basis: busState.target.basis,
        }
      : undefined,
    discovery: { ...p.state.discovery },
    check: { ...p.state.check },
    poll: { ...p.state.poll, firstPollComplete: p.store.firstPollComplete },
    alarms: {
      lastReadAt: p.state.alarmsReadAt,
      count: p.state.alarms.length,
      active: p.state.alarms.filter((a) => a.toDate === null).length,
    },
    parameters: {
      count: p.store.size,
      exposed,
      servingSnapshot: state === "stale" && p.state.dataSource === "snapshot",
    },
    data,
    dataReady: state !== "unavailable",
    ...(thermostat ? { thermostat } : {}),
  };
}
