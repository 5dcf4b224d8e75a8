/**
 * Discovery of an address space (PROTOCOL.md §16.1): ask for descriptors from index 0, continue
 * from the first index plus the count the device actually returned, until NO_DATA / ERROR.
 */
import type { Gm3Bus } from "../bus/bus.js";
import { readDescriptorsRequest } from "../bus/requests.js";
import {
  definitionFromDescriptor,
  type ParameterDefinition,
  type ParameterSpace,
} from "../store/definition.js";

export interface SpaceDiscoveryOptions {
  space: ParameterSpace;
  destination: number;
  /** Descriptors asked per request (the device decides how many fit). */
  batchSize: number;
  /** Transmissions allowed at one index before the space is abandoned. */
  attemptsPerIndex: number;
  onProgress?: (progress: { space: ParameterSpace; discovered: number; batches: number }) => void;
}

export interface SpaceDiscovery {
  definitions: ParameterDefinition[];
  batches: number;
}

/** Highest wire index a u16 first-index can address. */
const MAX_WIRE_INDEX = 0xffff;

export async function discoverSpace(bus: Gm3Bus, options: SpaceDiscoveryOptions): Promise<SpaceDiscovery> {
  const definitions: ParameterDefinition[] = [];
  let firstIndex = 0;
  let batches = 0;
  while (firstIndex <= MAX_WIRE_INDEX) {
    const count = Math.min(options.batchSize, MAX_WIRE_INDEX - firstIndex + 1);
    const reply = await bus.request(
      readDescriptorsRequest({
        destination: options.destination,
        withRange: options.space === "regulator",
        firstIndex,
        count,
        maxAttempts: options.attemptsPerIndex,
      }),
    );
    if ("end" in reply || reply.entries.length === 0) break;
    batches++;
    reply.entries.forEach((descriptor, i) => {
      definitions.push(definitionFromDescriptor(options.space, reply.firstIndex + i, descriptor));
    });
    firstIndex = reply.firstIndex + reply.entries.length;
    options.onProgress?.({ space: options.space, discovered: definitions.length, batches });
  }
  return { definitions, batches };
}
