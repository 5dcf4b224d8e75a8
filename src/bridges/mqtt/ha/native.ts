/**
 * Home Assistant's own entity kinds for parts of the installation — a `climate` per active heating
 * circuit, a `water_heater` for hot water — built from several parameters each. Such an entity has
 * one JSON state topic (rebuilt when one of its parameters changes) and command topics of its own
 * (`<base>/<level>_<what>/set`), whose messages become writes of parameters through the safe write
 * queue, like any other command.
 */
import type { ParameterReadModel } from "../../../port/index.js";
import type { DiscoveredEntity, EntityContext } from "./entity.js";

/** What a command on a native entity's topic asks the write queue for, or why it is refused. */
export type WriteIntent =
  | { kind: "writes"; writes: { target: number; value: number }[] }
  | { kind: "refused"; failure: string; message: string };

export interface NativeEntity {
  entity: DiscoveredEntity;
  /** The entity's JSON state topic. */
  stateTopic: string;
  /** The state as published. */
  state(store: ParameterReadModel): string;
  /** Indices whose values shape the state. */
  stateIndices: readonly number[];
  /** Command "state topics" (the command topic without `/set`) → what a payload asks for. */
  commands: ReadonlyMap<string, (payload: string, store: ParameterReadModel) => WriteIntent>;
}

export interface NativeInput {
  store: ParameterReadModel;
  context: EntityContext;
  /** Whether a write of this parameter can reach the bus (writable, READ_ONLY off). */
  writable(index: number): boolean;
}

export const refused = (failure: string, message: string): WriteIntent => ({
  kind: "refused",
  failure,
  message,
});

/** A stored number, or undefined (no value, not a number, 999 = no sensor where `sensor`). */
export function numberAt(store: ParameterReadModel, index: number, sensor = false): number | undefined {
  const value = store.get(index)?.value;
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
  if (sensor && n === 999) return undefined;
  return n;
}

/** A temperature command's payload as a number, or undefined. */
export function temperatureOf(payload: string): number | undefined {
  const text = payload.trim();
  if (text === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export const round2 = (n: number | undefined) => (n === undefined ? null : Math.round(n * 100) / 100);

/** Native entities and what the bridge needs to serve them. */
export interface NativeSet {
  entities: NativeEntity[];
  /** Command state topic → handler. */
  commands: Map<string, (payload: string, store: ParameterReadModel) => WriteIntent>;
  /** Parameter index → the native entities whose state it shapes. */
  byIndex: Map<number, NativeEntity[]>;
}

export function nativeSet(entities: NativeEntity[]): NativeSet {
  const commands = new Map<string, (payload: string, store: ParameterReadModel) => WriteIntent>();
  const byIndex = new Map<number, NativeEntity[]>();
  for (const entity of entities) {
    for (const [topic, handler] of entity.commands) commands.set(topic, handler);
    for (const index of entity.stateIndices) byIndex.set(index, [...(byIndex.get(index) ?? []), entity]);
  }
  return { entities, commands, byIndex };
}
