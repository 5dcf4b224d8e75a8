/**
 * SafeWriter against a scripted controller on a fake link, on fake timers: the write deadline,
 * the fail-closed range check, and the single MODIFY_PARAM.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AddressManager } from "../../src/bus/address.js";
import { type BusOptions, Gm3Bus } from "../../src/bus/bus.js";
import { WriteError } from "../../src/gateway/write-errors.js";
import { SafeWriter } from "../../src/gateway/writer.js";
import {
  Command,
  decodeModifyRequest,
  decodeRangeRequest,
  encodeGetParamsResponse,
  encodeModifyResponse,
  encodeTokenGrant,
  type Frame,
  type Limit,
  parseUnit,
  TypeCode,
} from "../../src/protocol/index.js";
import type { ParameterDefinition } from "../../src/store/definition.js";
import { ParameterStore } from "../../src/store/parameter-store.js";
import { FakeLink } from "../helpers/fake-link.js";

const GATEWAY = 114;
const PANEL = 100;
const CONTROLLER = 1;
const WRITE_TIMEOUT_MS = 8_000;

const busOptions: BusOptions = {
  panelAddress: PANEL,
  turnaroundMs: 20,
  responseTimeoutMs: 2_000,
  retryAttempts: 3,
  retryBackoffMs: 50,
  tokenRequired: true,
  tokenWaitTimeoutMs: 5_000,
  maxTokenHoldMs: 15_000,
};

function definition(index: number, name: string, min: Limit, max: Limit): ParameterDefinition {
  return {
    index,
    space: "regulator",
    wireIndex: index,
    name,
    rawName: name,
    type: TypeCode.UINT8,
    typeByte: TypeCode.UINT8,
    unit: parseUnit("°C"),
    writable: true,
    min,
    max,
    exposed: true,
  };
}

interface ControllerScript {
  /** Answer nothing at all. */
  silent?: boolean;
  /** Apply MODIFY_PARAM but lose its answer. */
  dropModifyReply?: boolean;
  /** Answer no GET_PARAMS. */
  silentReadBack?: boolean;
}

/** A bus with a token-granting panel and a controller holding `values`, scripted by `script`. */
function setup(values: Map<number, number>, script: ControllerScript = {}) {
  const link = new FakeLink();
  const address = new AddressManager({
    fixedAddress: GATEWAY,
    tentativeTimeoutMs: 20_000,
    persist: async () => {},
  });
  const bus = new Gm3Bus(link as never, address, busOptions);
  const store = new ParameterStore({ ttlMs: 60_000, maxSize: 100 });
  store.setDefinitions([
    definition(103, "HDWTSetPoint", { kind: "reference", index: 107 }, { kind: "reference", index: 108 }),
    definition(107, "HDWTSetPointMin", { kind: "literal", value: 20 }, { kind: "literal", value: 60 }),
    definition(108, "HDWTSetPointMax", { kind: "literal", value: 30 }, { kind: "literal", value: 70 }),
  ]);
  for (const [index, value] of values) store.setValue(index, value, 0, Date.now());
  const writer = new SafeWriter(bus, store, {
    controllerAddress: CONTROLLER,
    panelAddress: PANEL,
    readOnly: false,
    allowPanelWrites: false,
    expertWrites: false,
    writeTimeoutMs: WRITE_TIMEOUT_MS,
  });
  const reply = (frame: Omit<Frame, "destination" | "source">) =>
    setTimeout(() => link.deliver({ destination: GATEWAY, source: CONTROLLER, ...frame }), 5);
  link.on("written", (frame: Frame) => {
    if (frame.destination !== CONTROLLER || script.silent) return;
    if (frame.command === Command.MODIFY_PARAM) {
      const request = decodeModifyRequest(frame.payload);
      if (!request.ok) throw request.error;
      values.set(request.value.index, request.value.valueBytes[0]!);
      if (!script.dropModifyReply)
        reply({ command: Command.MODIFY_PARAM_RESPONSE, payload: encodeModifyResponse(0xe5) });
    } else if (frame.command === Command.GET_PARAMS && !script.silentReadBack) {
      const range = decodeRangeRequest(frame.payload);
      if (!range.ok) throw range.error;
      const value = values.get(range.value.firstIndex) ?? 0;
      reply({
        command: Command.GET_PARAMS_RESPONSE,
        payload: encodeGetParamsResponse(range.value.firstIndex, [
          { flag: 0x01, type: TypeCode.UINT8, value },
        ]),
      });
    }
  });
  const grant = () =>
    link.deliver({
      destination: GATEWAY,
      source: PANEL,
      command: Command.SERVICE,
      payload: encodeTokenGrant(),
    });
  const sent = (command: number) => link.written.filter((f) => f.command === command);
  const tokenReturns = () =>
    link.written.filter((f) => f.command === Command.SERVICE && f.payload.readUInt16LE(0) === 0x0800);
  return { link, bus, store, writer, grant, sent, tokenReturns };
}

interface Tracked<T> {
  startedAt: number;
  done: { value?: T; error?: unknown } | undefined;
}

/** Follows `promise` from now on (so a rejection is never unhandled). */
function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { startedAt: Date.now(), done: undefined };
  promise.then(
    (value) => {
      tracked.done = { value };
    },
    (error: unknown) => {
      tracked.done = { error };
    },
  );
  return tracked;
}

/** Advances fake time until the tracked write ends; how long it took (fake ms since it started) and how it ended. */
async function settle<T>(tracked: Tracked<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  for (let i = 0; i < 600 && !tracked.done; i++) await vi.advanceTimersByTimeAsync(50);
  if (!tracked.done) throw new Error("the write did not end within 30 s of fake time");
  return { ms: Date.now() - tracked.startedAt, ...tracked.done };
}

describe("SafeWriter", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("ends a write to a silent controller within WRITE_TIMEOUT, saying it may or may not be applied", async () => {
    const { writer, grant, sent } = setup(
      new Map([
        [103, 45],
        [107, 35],
        [108, 65],
      ]),
      { silent: true },
    );
    const write = track(writer.write({ target: "HDWTSetPoint", value: 50, origin: "test" }));
    grant();
    const result = await settle(write);
    expect(result.ms).toBeLessThanOrEqual(WRITE_TIMEOUT_MS);
    expect(result.error).toBeInstanceOf(WriteError);
    const error = result.error as WriteError;
    expect(error.failure).toBe("not-confirmed");
    expect(error.sent).toBe(true);
    expect(error.message).toMatch(/may or may not have been applied/);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
  });

  it("does not send the MODIFY_PARAM when less than two reply waits are left after the token wait", async () => {
    const { writer, grant, sent } = setup(
      new Map([
        [103, 45],
        [107, 35],
        [108, 65],
      ]),
    );
    const write = track(writer.write({ target: "HDWTSetPoint", value: 50, origin: "test" }));
    // The panel grants the token only 4.5 s later: 3.5 s left, less than two 2 s reply waits.
    await vi.advanceTimersByTimeAsync(4_500);
    grant();
    const result = await settle(write);
    expect(result.ms).toBeLessThanOrEqual(WRITE_TIMEOUT_MS);
    const error = result.error as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.failure).toBe("no-token");
    expect(error.sent).toBe(false);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
  });

  it("cuts the read-back to the time left when the token came late, trusting the acknowledgement", async () => {
    const values = new Map([
      [103, 45],
      [107, 35],
      [108, 65],
    ]);
    const { writer, grant, sent } = setup(values, { silentReadBack: true });
    const write = track(writer.write({ target: "HDWTSetPoint", value: 50, origin: "test" }));
    // Granted after 3.5 s: the MODIFY still fits, but not three 2 s read-back attempts after it.
    await vi.advanceTimersByTimeAsync(3_500);
    grant();
    const result = await settle(write);
    expect(result.ms).toBeLessThanOrEqual(WRITE_TIMEOUT_MS);
    expect(result.value).toMatchObject({ newValue: 50, confirmation: "ack" });
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
    expect(values.get(103)).toBe(50);
  });

  it("sends exactly one MODIFY_PARAM when its answer is lost, confirms by read-back and returns the token", async () => {
    const values = new Map([
      [103, 45],
      [107, 35],
      [108, 65],
    ]);
    const { writer, grant, sent, tokenReturns, store } = setup(values, { dropModifyReply: true });
    const write = track(writer.write({ target: "HDWTSetPoint", value: 50, origin: "test" }));
    grant();
    const result = await settle(write);
    expect(result.error).toBeUndefined();
    expect(result.value).toMatchObject({ index: 103, newValue: 50, confirmation: "read-back" });
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
    expect(sent(Command.GET_PARAMS).length).toBeGreaterThanOrEqual(1);
    expect(store.get(103)!.value).toBe(50);
    await vi.advanceTimersByTimeAsync(100);
    expect(tokenReturns()).toHaveLength(1);
  });

  it("never leaves a lost answer unsettled for lack of time, whenever the token comes", async () => {
    // For every grant time, a write whose MODIFY_PARAM answer is lost is either confirmed by a
    // read-back or not sent at all — never "may or may not have been applied" because the
    // deadline left no room to read back.
    for (let grantAtMs = 0; grantAtMs <= 7_500; grantAtMs += 500) {
      const values = new Map([
        [103, 45],
        [107, 35],
        [108, 65],
      ]);
      const { writer, grant, sent } = setup(values, { dropModifyReply: true });
      const write = track(writer.write({ target: "HDWTSetPoint", value: 50, origin: "test" }));
      await vi.advanceTimersByTimeAsync(grantAtMs);
      grant();
      const result = await settle(write);
      expect(result.ms, `granted at ${grantAtMs} ms`).toBeLessThanOrEqual(WRITE_TIMEOUT_MS);
      if (result.error === undefined) {
        expect(result.value, `granted at ${grantAtMs} ms`).toMatchObject({ confirmation: "read-back" });
        expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
      } else {
        const error = result.error as WriteError;
        expect(error.failure, `granted at ${grantAtMs} ms: ${error.message}`).toBe("no-token");
        expect(error.sent).toBe(false);
        expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
      }
    }
  });

  it("refuses a write whose referenced limit has not been read, naming it, with nothing sent", async () => {
    const { writer, grant, sent } = setup(
      new Map([
        [103, 45],
        [108, 65],
      ]),
    );
    grant();
    const error = (await writer
      .write({ target: "HDWTSetPoint", value: 5, origin: "test" })
      .catch((e) => e)) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.failure).toBe("out-of-range");
    expect(error.httpStatus).toBe(400);
    expect(error.message).toMatch(
      /minimum is the value of parameter 107 \(HDWTSetPointMin\), which has not been read yet/,
    );
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
  });

  it("refuses a write when the referenced range is inconsistent (max below min)", async () => {
    const { writer, store, grant, sent } = setup(
      new Map([
        [103, 45],
        [107, 50],
        [108, 40],
      ]),
    );
    grant();
    const error = (await writer
      .write({ target: "HDWTSetPoint", value: 45, origin: "test" })
      .catch((e) => e)) as WriteError;
    expect(error.failure).toBe("out-of-range");
    expect(error.message).toMatch(/inconsistent \(maximum 40 is below minimum 50\)/);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(0);
    // The display keeps showing no limits in that case.
    expect(store.limitsOf(store.get(103)!)).toEqual({ min: null, max: null });
  });

  it("checks a write queued behind a write to its limit against the new limit", async () => {
    const values = new Map([
      [103, 45],
      [107, 35],
      [108, 65],
    ]);
    const { writer, grant, sent } = setup(values);
    const raiseMin = track(writer.write({ target: "HDWTSetPointMin", value: 55, origin: "a" }));
    const setpoint = track(writer.write({ target: "HDWTSetPoint", value: 50, origin: "b" }));
    grant();
    const first = await settle(raiseMin);
    expect(first.value).toMatchObject({ newValue: 55 });
    const second = await settle(setpoint);
    expect(second.error).toBeInstanceOf(WriteError);
    expect((second.error as WriteError).failure).toBe("out-of-range");
    expect((second.error as WriteError).message).toMatch(/55\.\.65/);
    expect(sent(Command.MODIFY_PARAM)).toHaveLength(1);
    expect(values.get(103)).toBe(45);
  });
});
