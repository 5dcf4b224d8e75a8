/**
 * One poll cycle (PROTOCOL.md §16.2): read every known parameter of each space in contiguous
 * batches that never cross an unparseable type, continuing after the last index actually
 * returned. Values go to the store only from replies that parsed exactly.
 */
import type { Gm3Bus } from "../bus/bus.js";
import { BusError } from "../bus/errors.js";
import type { Priority } from "../bus/request.js";
import { readValuesRequest, type ValuesReply } from "../bus/requests.js";
import { isTypeCode } from "../protocol/index.js";
import { type ParameterDefinition, type ParameterSpace, storedIndex } from "../store/definition.js";
import type { ParameterStore } from "../store/parameter-store.js";
import { type Clock, systemClock } from "../util/clock.js";

export interface PollSpaceOptions {
  space: ParameterSpace;
  destination: number;
  /** Largest count asked per request (≤ 255). */
  batchSize: number;
  priority?: Priority;
  /** Stamps the read times (default: the system clock). */
  clock?: Clock;
}

export interface PollOutcome {
  /** Values stored (changed or not). */
  values: number;
  batches: number;
  /** Batches that failed after all attempts, with why. */
  failures: BusError[];
}

/** Runs of consecutive parseable wire indices, each at most `batchSize` long. */
export function planBatches(
  definitions: readonly ParameterDefinition[],
  batchSize: number,
): { first: number; count: number }[] {
  const indices = definitions
    .filter((d) => isTypeCode(d.type))
    .map((d) => d.wireIndex)
    .sort((a, b) => a - b);
  const batches: { first: number; count: number }[] = [];
  let start = -1;
  let previous = -2;
  for (const index of indices) {
    if (index === previous + 1 && index - start < batchSize) {
      previous = index;
      continue;
    }
    if (start >= 0) batches.push({ first: start, count: previous - start + 1 });
    start = index;
    previous = index;
  }
  if (start >= 0) batches.push({ first: start, count: previous - start + 1 });
  return batches;
}

export async function pollSpace(
  bus: Gm3Bus,
  store: ParameterStore,
  options: PollSpaceOptions,
): Promise<PollOutcome> {
  const definitions = store.definitionsOf(options.space);
  const types = new Map(definitions.map((d) => [d.wireIndex, d.type]));
  const typeOf = (wireIndex: number) => {
    const type = types.get(wireIndex);
    return type !== undefined && isTypeCode(type) ? type : undefined;
  };
  const outcome: PollOutcome = { values: 0, batches: 0, failures: [] };
  for (const batch of planBatches(definitions, options.batchSize)) {
    let first = batch.first;
    const end = batch.first + batch.count;
    while (first < end) {
      let reply: ValuesReply;
      try {
        reply = await bus.request(
          readValuesRequest({
            destination: options.destination,
            firstIndex: first,
            count: end - first,
            typeOf,
            priority: options.priority,
          }),
        );
      } catch (error) {
        if (!(error instanceof BusError)) throw error;
        outcome.failures.push(error);
        // Every attempt failed: the device is not answering now. Stop this cycle here rather than
        // spend a timeout on each remaining batch; the next cycle tries again.
        return outcome;
      }
      outcome.batches++;
      if ("end" in reply || reply.values.length === 0) break;
      const readAt = (options.clock ?? systemClock).now();
      for (const reading of reply.values) {
        store.setValue(storedIndex(options.space, reading.index), reading.value, reading.flag, readAt);
        outcome.values++;
      }
      first = reply.firstIndex + reply.values.length;
    }
  }
  return outcome;
}
