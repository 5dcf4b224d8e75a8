/**
 * The port's one typed event stream: every event a bridge reacts to, by name, whichever part of the
 * core raises it — the parameters (`change`, `definitions`, `pollComplete`), the write jobs
 * (`writeAccepted`, `writeSending`, `writeEnded`, `writeRefused`) and the core itself (`status`,
 * `alarms`, `progress`, `token`). `listen` attaches the handlers given and returns the function that
 * detaches them, so a bridge subscribes and unsubscribes in one place and needs to know nothing of
 * which part emits what. Each handler is attached when `listen` is called, in the order of the
 * table below, so it runs where a direct listener attached then would.
 */
import type { GatewayCoreEvents } from "../gateway/core.js";
import type { WriteQueueEvents } from "../gateway/write-queue.js";
import type { StoreEvents } from "../store/parameter-store.js";
import type { GatewayPort } from "./port.js";

/** Every event of the port and its arguments. */
export interface PortEventMap {
  change: StoreEvents["change"];
  definitions: StoreEvents["definitions"];
  pollComplete: StoreEvents["pollComplete"];
  writeAccepted: WriteQueueEvents["accepted"];
  writeSending: WriteQueueEvents["sending"];
  writeEnded: WriteQueueEvents["ended"];
  writeRefused: WriteQueueEvents["refused"];
  status: GatewayCoreEvents["status"];
  alarms: GatewayCoreEvents["alarms"];
  progress: GatewayCoreEvents["progress"];
  token: GatewayCoreEvents["token"];
}

export type PortEventName = keyof PortEventMap;
export type PortHandlers = { [E in PortEventName]?: (...args: PortEventMap[E]) => void };

/** Where each event comes from. */
type Source = "store" | "writes" | "core";
const SOURCES: { readonly [E in PortEventName]: readonly [Source, string] } = {
  change: ["store", "change"],
  definitions: ["store", "definitions"],
  pollComplete: ["store", "pollComplete"],
  writeAccepted: ["writes", "accepted"],
  writeSending: ["writes", "sending"],
  writeEnded: ["writes", "ended"],
  writeRefused: ["writes", "refused"],
  status: ["core", "status"],
  alarms: ["core", "alarms"],
  progress: ["core", "progress"],
  token: ["core", "token"],
};

/** The emitters behind the port, as far as `listen` needs them. */
export type PortEventSources = Pick<GatewayPort, "on" | "off"> & {
  readonly store: Pick<GatewayPort["store"], "on" | "off">;
  readonly writes: Pick<GatewayPort["writes"], "on" | "off">;
};

interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** Attaches `handlers` to the port's events; returns the function that detaches them all. */
export function listen(port: PortEventSources, handlers: PortHandlers): () => void {
  const emitters: Record<Source, Emitter> = {
    store: port.store as unknown as Emitter,
    writes: port.writes as unknown as Emitter,
    core: port as unknown as Emitter,
  };
  const attached: [Emitter, string, (...args: never[]) => void][] = [];
  for (const name of Object.keys(SOURCES) as PortEventName[]) {
    const handler = handlers[name] as ((...args: never[]) => void) | undefined;
    if (!handler) continue;
    const [source, event] = SOURCES[name];
    emitters[source].on(event, handler);
    attached.push([emitters[source], event, handler]);
  }
  return () => {
    for (const [emitter, event, handler] of attached.splice(0)) emitter.off(event, handler);
  };
}
