/**
 * The bus's token and wire state machines: the table itself (every state reachable, every state
 * can get back to rest), and the moves one exchange, a retry and a lost link make on a fake link.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AddressManager } from "../../src/bus/address.js";
import { Gm3Bus } from "../../src/bus/bus.js";
import { BUS_TRANSITIONS, type BusStateChange, transitionAllowed } from "../../src/bus/bus-state.js";
import { readValuesRequest } from "../../src/bus/requests.js";
import { Command, encodeGetParamsResponse, encodeTokenGrant, TypeCode } from "../../src/protocol/index.js";
import { FakeLink } from "../helpers/fake-link.js";

const GATEWAY = 114;
const PANEL = 100;
const CONTROLLER = 1;

function reachable(machine: keyof typeof BUS_TRANSITIONS, from: string): Set<string> {
  const table = BUS_TRANSITIONS[machine] as Record<string, readonly string[]>;
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length > 0) {
    for (const next of table[todo.pop()!] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      todo.push(next);
    }
  }
  return seen;
}

describe("the bus state table", () => {
  it("reaches every token state from released and every wire state from free", () => {
    expect([...reachable("token", "released")].sort()).toEqual(Object.keys(BUS_TRANSITIONS.token).sort());
    expect([...reachable("wire", "free")].sort()).toEqual(Object.keys(BUS_TRANSITIONS.wire).sort());
  });

  it("lets every state come back to rest, and refuses moves it does not list", () => {
    for (const state of Object.keys(BUS_TRANSITIONS.token))
      expect(reachable("token", state)).toContain("released");
    for (const state of Object.keys(BUS_TRANSITIONS.wire)) expect(reachable("wire", state)).toContain("free");
    expect(transitionAllowed("wire", "free", "awaiting-reply")).toBe(false); // a reply wait needs a transmission
    expect(transitionAllowed("token", "released", "returning")).toBe(false); // only a held token is returned
    expect(transitionAllowed("wire", "backoff", "backoff")).toBe(true);
  });
});

describe("Gm3Bus states", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup() {
    const link = new FakeLink();
    const address = new AddressManager({
      fixedAddress: GATEWAY,
      tentativeTimeoutMs: 20_000,
      persist: async () => {},
    });
    const bus = new Gm3Bus(link as never, address, {
      panelAddress: PANEL,
      turnaroundMs: 20,
      responseTimeoutMs: 2000,
      retryAttempts: 2,
      retryBackoffMs: 50,
      tokenRequired: true,
      tokenWaitTimeoutMs: 5000,
      maxTokenHoldMs: 15_000,
    });
    const changes: BusStateChange[] = [];
    bus.on("state", (change) => changes.push(change));
    const moves = (machine: "token" | "wire") =>
      changes.filter((c) => c.machine === machine).map((c) => c.to);
    const grant = () =>
      link.deliver({
        destination: GATEWAY,
        source: PANEL,
        command: Command.SERVICE,
        payload: encodeTokenGrant(),
      });
    const read = () =>
      bus.request(
        readValuesRequest({ destination: CONTROLLER, firstIndex: 0, count: 1, typeOf: () => TypeCode.UINT8 }),
      );
    return { link, bus, changes, moves, grant, read };
  }

  it("walks one exchange through waiting, held, turnaround, transmitting, awaiting-reply and back", async () => {
    const { link, bus, changes, moves, grant, read } = setup();
    const result = read();
    expect(bus.tokenState).toBe("waiting");
    grant();
    await vi.advanceTimersByTimeAsync(25);
    link.deliver({
      destination: GATEWAY,
      source: CONTROLLER,
      command: Command.GET_PARAMS_RESPONSE,
      payload: encodeGetParamsResponse(0, [{ flag: 0x01, type: TypeCode.UINT8, value: 7 }]),
    });
    await result;
    await vi.advanceTimersByTimeAsync(100);
    expect(moves("token")).toEqual(["waiting", "held", "returning", "released"]);
    expect(moves("wire")).toEqual([
      "turnaround",
      "transmitting",
      "awaiting-reply",
      "free",
      "turnaround",
      "transmitting",
      "free",
    ]);
    expect(changes.every((c) => c.allowed)).toBe(true);
  });

  it("backs off before a retry, and frees wire and token when the link goes down", async () => {
    const { link, bus, changes, moves, grant, read } = setup();
    const settled = read().catch((error: unknown) => error);
    grant();
    await vi.advanceTimersByTimeAsync(2_100); // the first attempt times out
    expect(moves("wire")).toContain("backoff");
    link.goDown();
    await settled;
    expect(bus.tokenState).toBe("released");
    expect(moves("wire").at(-1)).toBe("free");
    expect(changes.every((c) => c.allowed)).toBe(true);
  });
});
