/**
 * Topic names: the base topic with the controller's UID in it, one state topic per published
 * parameter (its API name; the lowest index of a repeated name keeps the plain name, the others get
 * `_<index>`, so topics stay put when the panel's parameters come and go), and Home Assistant's
 * discovery topics.
 */
import type { ParameterEntry } from "../../port/index.js";

/** Placeholder in MQTT_BASE_TOPIC replaced by the controller's UID (parameter 10). */
export const UID_PLACEHOLDER = "{uid}";
/** Parameter 10 holds the controller's UID (HA-COMPAT.md §4). */
export const UID_INDEX = 10;
/** What the integration uses when index 10 is missing (HA-COMPAT.md §2). */
export const UNKNOWN_UID = "unknown";

/** Levels under the base topic the bridge uses itself. */
const RESERVED_LEVELS = [
  "availability",
  "alarms",
  "thermostat",
  "alarm_event",
  "link_health",
  // The climates' and the water heater's states and command levels (ha/climate.ts, ha/water-heater.ts).
  ...["water_heater", ...[1, 2, 3, 4, 5, 6, 7].map((n) => `climate_${n}`)].flatMap((level) => [
    level,
    `${level}_mode`,
    `${level}_preset`,
    `${level}_temperature`,
  ]),
];

/** Characters that may not appear in a topic level we build. */
const TOPIC_UNSAFE = /[+#/]/g;
/** Discovery node and object ids allow only these (Home Assistant's rule). */
const ID_UNSAFE = /[^a-zA-Z0-9_-]/g;

/** First printable ASCII character: anything below (control characters) is replaced too. */
const FIRST_PRINTABLE = 0x20;

export function topicLevel(text: string): string {
  let safe = text.replace(TOPIC_UNSAFE, "_");
  if ([...safe].some((c) => c.charCodeAt(0) < FIRST_PRINTABLE)) {
    safe = [...safe].map((c) => (c.charCodeAt(0) < FIRST_PRINTABLE ? "_" : c)).join("");
  }
  return safe;
}

export function discoveryId(text: string): string {
  return text.replace(ID_UNSAFE, "_");
}

/** The controller's UID as text, or `unknown`. */
export function uidOf(entry: ParameterEntry | undefined): string {
  const value = entry?.value;
  if (value === undefined) return UNKNOWN_UID;
  const text = String(value).trim();
  return text === "" ? UNKNOWN_UID : text;
}

export function baseTopicFor(template: string, uid: string): string {
  return template.replaceAll(UID_PLACEHOLDER, topicLevel(uid));
}

export interface BridgeTopics {
  base: string;
  availability: string;
  alarms: string;
  /**
   * Subscriptions for commands: `<base>/+/set/#` (every parameter's `set`, and malformed topics
   * below it such as `…/set/set`, which get an answer too) and `<base>/set` (no parameter named).
   */
  commandFilters: readonly string[];
  /** Home Assistant's birth and last-will topic. */
  haStatus: string;
  /** Subscription covering every discovery config of this controller. */
  discoveryFilter: string;
  nodeId: string;
  discoveryPrefix: string;
}

export function bridgeTopics(options: {
  baseTemplate: string;
  discoveryPrefix: string;
  uid: string;
}): BridgeTopics {
  const base = baseTopicFor(options.baseTemplate, options.uid);
  const nodeId = `econet_gm3_${discoveryId(options.uid)}`;
  return {
    base,
    availability: `${base}/availability`,
    alarms: `${base}/alarms`,
    commandFilters: [`${base}/+/set/#`, `${base}/set`],
    haStatus: `${options.discoveryPrefix}/status`,
    discoveryFilter: `${options.discoveryPrefix}/+/${nodeId}/+/config`,
    nodeId,
    discoveryPrefix: options.discoveryPrefix,
  };
}

/** What a message on a command subscription is. */
export type CommandTopic =
  /** `<base>/<level>/set`: a command for the parameter whose state topic is `<base>/<level>`. */
  | { kind: "command"; stateTopic: string }
  /** Where answers go (`…/result`), our own or another gateway's: never answered, or answers loop. */
  | { kind: "answer" }
  /** A topic under a command subscription that is not a command topic. */
  | { kind: "malformed"; problem: string; error: "bad-topic" | "not-found" };

export function classifyCommandTopic(topic: string, base: string): CommandTopic | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const levels = topic.slice(base.length + 1).split("/");
  if (levels.at(-1) === "result") return { kind: "answer" };
  if (levels.length === 2 && levels[1] === "set")
    return { kind: "command", stateTopic: `${base}/${levels[0]}` };
  const shape = `commands go to ${base}/<name>/set`;
  if (levels.length === 1 && levels[0] === "set")
    return { kind: "malformed", error: "not-found", problem: `the topic names no parameter: ${shape}` };
  if (levels[1] === "set")
    return { kind: "malformed", error: "bad-topic", problem: `the topic has levels after set: ${shape}` };
  return undefined;
}

export function discoveryTopic(topics: BridgeTopics, component: string, objectId: string): string {
  return `${topics.discoveryPrefix}/${component}/${topics.nodeId}/${discoveryId(objectId)}/config`;
}

/**
 * Topic level of each exposed parameter, by index: its name, or `<name>_<index>` for a repeated
 * name other than at its lowest index. A level that clashes with another name falls back to the index.
 */
export function stateLevels(entries: Iterable<ParameterEntry>): Map<number, string> {
  const levels = new Map<number, string>();
  const taken = new Set<string>(RESERVED_LEVELS);
  const repeated: ParameterEntry[] = [];
  for (const entry of entries) {
    const { definition } = entry;
    if (!definition.exposed) continue;
    const level = topicLevel(definition.name);
    if (taken.has(level)) repeated.push(entry);
    else {
      taken.add(level);
      levels.set(definition.index, level);
    }
  }
  for (const entry of repeated) {
    const { index, name } = entry.definition;
    let level = `${topicLevel(name)}_${index}`;
    if (taken.has(level)) level = String(index);
    taken.add(level);
    levels.set(index, level);
  }
  return levels;
}
