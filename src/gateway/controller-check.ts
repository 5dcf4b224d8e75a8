/**
 * After a reconnect or a restart from the snapshot: is the controller on the bus still the one the
 * known descriptors belong to? A full discovery answers that in ~6 s of bus time (84 exchanges) and
 * costs a token grant or two; this answers it in three short exchanges, in the same grant as the
 * poll that follows:
 *
 * 1. the identity — GET_PARAMS 0..10 from the controller, parsed strictly with the known types:
 *    software `PS` (0), hardware `HV` (1) and `UID` (10) must be the known ones (a firmware update
 *    changes `PS`; a swapped controller changes `UID`), and a payload that does not parse with the
 *    known types means the types moved;
 * 2. the end of each space — GET_PARAMS at the first index past the known ones, to the controller
 *    and to the panel, must be answered NO_DATA (PROTOCOL.md §5.4): values there mean the
 *    catalogue grew.
 *
 * What this cannot see — a catalogue that shrank or changed a type further up — the poll that
 * follows does: it parses every value strictly with the known types and reports known indices the
 * device no longer serves (`PollOutcome.missing`). The core treats the controller as verified only
 * when that poll is complete too. Names cannot be checked without reading descriptors; a firmware
 * that renames parameters changes `PS`.
 */
import type { Gm3Bus } from "../bus/bus.js";
import { BusError } from "../bus/errors.js";
import { parameterExistsRequest, readValuesRequest } from "../bus/requests.js";
import { isTypeCode, type ParameterValue } from "../protocol/index.js";
import type { ParameterStore } from "../store/parameter-store.js";
import type { ControllerIdentity } from "./snapshot.js";

/** The indices the identity is read from: PS, HV and UID, the last of them. */
const IDENTITY_INDICES = { software: 0, hardware: 1, uid: 10 } as const;
const IDENTITY_SPAN = IDENTITY_INDICES.uid + 1;

export type CheckVerdict =
  | { same: true; identity: ControllerIdentity; requests: number }
  | {
      same: false;
      /** What differs, for the log. */
      reason: string;
      /** The controller's UID is another one (so saved values are another controller's). */
      uidChanged: boolean;
      identity: ControllerIdentity | undefined;
      requests: number;
    };

export interface CheckOptions {
  controllerAddress: number;
  panelAddress: number;
  /** The identity the known definitions and values belong to. */
  known: ControllerIdentity;
}

const text = (value: ParameterValue | undefined) => (value === undefined ? undefined : String(value));

/**
 * What differs between the identity the definitions belong to and the live one. A field never read
 * (the link was lost between the first discovery and its first poll) is not a difference: the
 * definitions were just read from this controller, and the live value is adopted.
 */
function describeChange(known: ControllerIdentity, live: ControllerIdentity): string | undefined {
  const parts: string[] = [];
  const differs = (a: string | undefined, b: string | undefined) => a !== undefined && a !== b;
  if (differs(known.uid, live.uid)) parts.push(`UID ${known.uid} → ${live.uid ?? "?"}`);
  if (differs(known.software, live.software))
    parts.push(`software ${known.software} → ${live.software ?? "?"}`);
  if (differs(known.hardware, live.hardware))
    parts.push(`hardware ${known.hardware} → ${live.hardware ?? "?"}`);
  return parts.length > 0 ? parts.join(", ") : undefined;
}

/**
 * Runs the check. Throws a BusError when the devices do not answer (timeout, link down, no token):
 * then nothing is known either way. A reply that does not parse with the known types is a verdict
 * (the catalogue changed), not an error.
 */
export async function checkController(
  bus: Gm3Bus,
  store: ParameterStore,
  options: CheckOptions,
): Promise<CheckVerdict> {
  let requests = 0;
  const changed = (
    reason: string,
    identity: ControllerIdentity | undefined,
    uidChanged = false,
  ): CheckVerdict => ({
    same: false,
    reason,
    uidChanged,
    identity,
    requests,
  });
  const typeOf = (wireIndex: number) => {
    const type = store.get(wireIndex)?.definition.type;
    return type !== undefined && isTypeCode(type) && wireIndex < IDENTITY_SPAN ? type : undefined;
  };
  for (let i = 0; i < IDENTITY_SPAN; i++) {
    if (typeOf(i) === undefined) {
      return changed(
        `the known parameters have no readable type at index ${i}, where the identity is read`,
        undefined,
      );
    }
  }
  const values = new Map<number, ParameterValue>();
  let first = 0;
  while (first < IDENTITY_SPAN) {
    requests++;
    let reply: Awaited<ReturnType<typeof readIdentity>>;
    try {
      reply = await readIdentity(bus, options.controllerAddress, first, typeOf);
    } catch (error) {
      // Only a valid reply that does not parse says so; line noise and broken CRCs do not.
      if (error instanceof BusError && error.undecodable) {
        return changed(
          `the controller's values at 0..${IDENTITY_SPAN - 1} do not parse with the known parameter types (${error.message})`,
          undefined,
        );
      }
      throw error;
    }
    if ("end" in reply || reply.values.length === 0) {
      return changed(`the controller has no parameter ${first} (it answered NO_DATA)`, undefined);
    }
    for (const reading of reply.values) values.set(reading.index, reading.value);
    first = reply.firstIndex + reply.values.length;
  }
  const live: ControllerIdentity = {
    uid: text(values.get(IDENTITY_INDICES.uid)),
    software: text(values.get(IDENTITY_INDICES.software)),
    hardware: text(values.get(IDENTITY_INDICES.hardware)),
  };
  const difference = describeChange(options.known, live);
  if (difference !== undefined) {
    return changed(
      `the controller's identity changed (${difference})`,
      live,
      options.known.uid !== undefined && options.known.uid !== live.uid,
    );
  }
  for (const [space, destination] of [
    ["regulator", options.controllerAddress],
    ["panel", options.panelAddress],
  ] as const) {
    const count = store.definitionsOf(space).length;
    // A panel whose parameters could not be read was never described: nothing to compare.
    if (count === 0 && space === "panel") continue;
    requests++;
    const label = `GET_PARAMS 1@${count} (end of the known parameters)`;
    if (await bus.request(parameterExistsRequest({ destination, index: count, label }))) {
      return changed(
        `the ${space === "regulator" ? "controller" : "panel"} has more parameters than the ${count} known (index ${count} answers values)`,
        live,
      );
    }
  }
  return { same: true, identity: live, requests };
}

function readIdentity(
  bus: Gm3Bus,
  destination: number,
  first: number,
  typeOf: (i: number) => number | undefined,
) {
  return bus.request(
    readValuesRequest({ destination, firstIndex: first, count: IDENTITY_SPAN - first, typeOf }),
  );
}
