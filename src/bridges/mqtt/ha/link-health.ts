/**
 * Link health as diagnostic entities — what /api/status knows, for people who only see Home
 * Assistant: the age of the last frame heard on the bus, consecutive poll failures, the observed
 * token grant interval, the last failed write's reason, and the discovery state. One retained JSON
 * state, `<base>/link_health`, published after every poll cycle, status change and ended write
 * (so ages are as of that moment: at the field cadence, at most a poll interval old).
 */
import type { GatewayStatus, WriteJobs } from "../../../port/index.js";
import { type BridgeTopics, discoveryTopic } from "../topics.js";
import { deviceIdentifier, ORIGIN } from "./device.js";
import type { DiscoveredEntity, EntityContext } from "./entity.js";

export function linkHealthTopic(topics: BridgeTopics): string {
  return `${topics.base}/link_health`;
}

const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 100) / 10);

export interface LinkHealth {
  last_contact_age_s: number | null;
  poll_failures: number;
  grant_interval_s: number | null;
  last_write_failure: string | null;
  last_write_failure_at: string | null;
  discovery: string;
  link: string;
}

export function linkHealth(
  status: GatewayStatus,
  writes: Pick<WriteJobs, "recent">,
  now: number,
): LinkHealth {
  const lastFrameAt = status.bus.stats.lastFrameAt;
  const failed = writes.recent().find((job) => job.state === "failed" || job.state === "expired");
  return {
    last_contact_age_s: lastFrameAt === undefined ? null : seconds(Math.max(0, now - lastFrameAt)),
    poll_failures: status.poll.consecutiveFailures,
    grant_interval_s: seconds(status.bus.grantIntervals.averageMs),
    last_write_failure: failed ? (failed.error?.message ?? failed.state) : null,
    last_write_failure_at: failed?.endedAt === undefined ? null : new Date(failed.endedAt).toISOString(),
    discovery: status.discovery.state,
    link: status.link.state,
  };
}

const field = (name: string) => `{{ value_json.${name} if value_json.${name} is not none else 'None' }}`;

export function linkHealthEntities(context: EntityContext): DiscoveredEntity[] {
  const { topics } = context;
  const id = deviceIdentifier(context.uid);
  const state_topic = linkHealthTopic(topics);
  const common = {
    state_topic,
    entity_category: "diagnostic",
    availability_topic: topics.availability,
    device: context.device,
    origin: ORIGIN,
  };
  const sensor = (key: string, name: string, extra: Record<string, unknown>): DiscoveredEntity => ({
    component: "sensor",
    topic: discoveryTopic(topics, "sensor", `link_${key}`),
    config: { name, unique_id: `${id}_link_${key}`, value_template: field(key), ...extra, ...common },
  });
  const duration = { unit_of_measurement: "s", device_class: "duration", state_class: "measurement" };
  return [
    sensor("last_contact_age_s", "Last contact age", duration),
    sensor("poll_failures", "Consecutive poll failures", { state_class: "measurement" }),
    sensor("grant_interval_s", "Token grant interval", duration),
    sensor("last_write_failure", "Last write failure", {
      json_attributes_topic: state_topic,
      json_attributes_template: "{{ {'at': value_json.last_write_failure_at} | tojson }}",
    }),
    sensor("discovery", "Discovery state", {
      device_class: "enum",
      options: ["pending", "running", "complete", "failed"],
    }),
  ];
}
