/**
 * The safe write path (the safety core): resolve → validate against the controller's declared
 * type, writable bit and range → MODIFY_PARAM once → wait for the acknowledgement → read the
 * parameter back and report what the controller now holds. Nothing reaches the bus for a write
 * that fails validation; an ambiguous failure is resolved by a read-back, never by resending.
 */
import { EventEmitter } from "node:events";
import type { Gm3Bus } from "../bus/bus.js";
import { BusError } from "../bus/errors.js";
import { Priority } from "../bus/request.js";
import { modifyParameterRequest, readValuesRequest } from "../bus/requests.js";
import type { ParameterValue } from "../protocol/index.js";
import type { ParameterEntry, ParameterStore } from "../store/parameter-store.js";
import { type Clock, systemClock } from "../util/clock.js";
import { WriteError } from "./write-errors.js";
import { type PreparedWrite, prepareWrite, readBackMatches } from "./write-value.js";

export interface WriterOptions {
  controllerAddress: number;
  panelAddress: number;
  readOnly: boolean;
  allowPanelWrites: boolean;
  /** Why writes cannot be made right now (checked after READ_ONLY), or undefined when they can. */
  writeBlocked?: () => string | undefined;
  /** Upper bound for a whole write: waiting behind other writes and for the token, the send, the read-back. */
  writeTimeoutMs: number;
  /** Times the deadlines and stamps the outcomes (default: the system clock). */
  clock?: Clock;
}

export interface WriteRequest {
  /** API name (lowest index wins) or an index. */
  target: string | number;
  value: unknown;
  /** Who asked, for the log: "http 192.168.1.20", "mqtt", "cli". */
  origin: string;
}

export interface WriteOutcome {
  index: number;
  name: string;
  oldValue: ParameterValue | undefined;
  /** The value the controller holds after the write (read back), else the value written. */
  newValue: ParameterValue;
  requestedValue: unknown;
  /** How the write was confirmed. */
  confirmation: "ack+read-back" | "ack" | "read-back";
  /** MODIFY_PARAM result byte (0xE5 on the controller), -1 if not seen. */
  resultCode: number;
  durationMs: number;
  timestamp: number;
}

/** Reported after every write attempt, confirmed or not (for logs, metrics, live clients). */
export interface WriteEvent {
  request: WriteRequest;
  outcome?: WriteOutcome;
  error?: WriteError;
  /** The parameter the request named, when it exists (also for a refused write), and its value then. */
  parameter?: { index: number; name: string; oldValue: ParameterValue | undefined };
  durationMs: number;
}

export class SafeWriter extends EventEmitter<{ write: [event: WriteEvent] }> {
  /**
   * Writes run one after another (the bus is half-duplex anyway), so each is checked against the
   * limits as they are when it is sent — after any earlier write to a parameter its range refers to.
   */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly clock: Clock;

  constructor(
    private readonly bus: Gm3Bus,
    private readonly store: ParameterStore,
    private readonly options: WriterOptions,
  ) {
    super();
    this.clock = options.clock ?? systemClock;
  }

  /** Resolves the target as the API does; throws not-found. */
  resolve(target: string | number): ParameterEntry {
    const entry = typeof target === "number" ? this.store.get(target) : this.store.resolve(target);
    if (!entry?.definition.exposed) throw new WriteError("not-found", `Parameter not found: ${target}`);
    return entry;
  }

  async write(request: WriteRequest): Promise<WriteOutcome> {
    const started = this.clock.now();
    const parameter = this.describeTarget(request.target);
    try {
      const outcome = await this.validateAndWrite(request, started);
      this.emit("write", { request, outcome, parameter, durationMs: this.clock.now() - started });
      return outcome;
    } catch (error) {
      const writeError =
        error instanceof WriteError
          ? error
          : new WriteError("not-confirmed", `write failed: ${(error as Error).message}`);
      this.emit("write", { request, error: writeError, parameter, durationMs: this.clock.now() - started });
      throw writeError;
    }
  }

  /** The named parameter and its value before the write, if it exists (for the log). */
  private describeTarget(target: string | number): WriteEvent["parameter"] {
    const entry = typeof target === "number" ? this.store.get(target) : this.store.resolve(target);
    if (!entry?.definition.exposed) return undefined;
    return { index: entry.definition.index, name: entry.definition.name, oldValue: entry.value };
  }

  private async validateAndWrite(request: WriteRequest, started: number): Promise<WriteOutcome> {
    if (this.options.readOnly) {
      throw new WriteError(
        "read-only-mode",
        "the gateway runs in read-only mode (READ_ONLY=true): writes are disabled",
      );
    }
    const blocked = this.options.writeBlocked?.();
    if (blocked !== undefined) throw new WriteError("not-ready", blocked);
    const entry = this.resolve(request.target);
    // Checked now, so a bad request is refused at once, and again just before sending.
    this.prepare(entry, request.value);
    const index = entry.definition.index;
    return this.serialised(() => {
      const current = this.resolve(request.target);
      if (current.definition.index !== index) {
        throw new WriteError(
          "not-found",
          `${String(request.target)} names another parameter since the definitions were re-read; nothing was sent`,
        );
      }
      const prepared = this.prepare(current, request.value);
      return this.send(current, prepared.value, prepared.bytes, request, started);
    });
  }

  /** Validates a write against the current definition and limits; throws a WriteError (nothing sent). */
  private prepare(entry: ParameterEntry, value: unknown): PreparedWrite {
    const { definition } = entry;
    if (definition.space === "panel" && !this.options.allowPanelWrites) {
      throw new WriteError(
        "panel-write-disabled",
        `${definition.name} is a panel parameter (${definition.index}); writing panel parameters is unverified on real hardware and disabled (ALLOW_PANEL_WRITES=false)`,
      );
    }
    if (!definition.writable) throw new WriteError("read-only-parameter", `${definition.name} is read-only`);
    const limits = this.store.writeLimitsOf(entry);
    if (!limits.ok) {
      throw new WriteError(
        "out-of-range",
        `${definition.name} cannot be range-checked, so it is not written: ${limits.reason}`,
      );
    }
    return prepareWrite(definition.name, definition.type, value, limits.limits);
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }

  private async send(
    entry: ParameterEntry,
    value: ParameterValue,
    bytes: Buffer,
    request: WriteRequest,
    started: number,
  ): Promise<WriteOutcome> {
    const { definition } = entry;
    // The whole write — waiting behind other writes, for the token, the acknowledgement and the
    // read-back — ends by this time; every reply wait is cut to what is left of it.
    const deadline = started + this.options.writeTimeoutMs;
    const replyWaitMs = this.bus.replyWaitMs;
    // The MODIFY_PARAM goes out only while two whole reply waits still fit before the deadline: one
    // for its answer and one for a read-back, so a lost answer can still be settled by reading.
    const sendBy = deadline - 2 * replyWaitMs;
    if (this.clock.now() > sendBy) {
      throw new WriteError(
        "no-token",
        `${definition.name} was not written: less than two reply waits (2 × ${replyWaitMs} ms, the answer and a read-back) were left of WRITE_TIMEOUT (${this.options.writeTimeoutMs} ms) when its turn came`,
        false,
      );
    }
    // The reference gateway sends every write to the controller with the stored index (PROTOCOL.md §9).
    const destination = this.options.controllerAddress;
    const oldValue = entry.value;
    let resultCode: number;
    try {
      resultCode = await this.bus.request(
        modifyParameterRequest({
          destination,
          index: definition.index,
          valueBytes: bytes,
          deadline: sendBy,
          finishBy: deadline,
        }),
      );
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      if (!error.maybeDelivered) {
        if (error.reason === "rejected") {
          throw new WriteError(
            "rejected",
            `the controller refused the write to ${definition.name}: ${error.message}`,
            true,
          );
        }
        const failure = error.reason === "no-token" ? "no-token" : "link-down";
        throw new WriteError(failure, `${definition.name} was not written: ${error.message}`, false);
      }
      // Ambiguous: it may have been applied. Read back before saying anything; never resend.
      const readBack = await this.readBack(entry, deadline);
      if ("value" in readBack && readBackMatches(definition.type, value, readBack.value)) {
        return this.outcome(entry, oldValue, readBack.value, request, "read-back", -1, started);
      }
      throw new WriteError(
        "not-confirmed",
        `Controller did not acknowledge write to ${definition.name} (${error.reason})` +
          ("value" in readBack
            ? `; it still holds ${String(readBack.value)}`
            : `; the read-back failed too (${readBack.failure}): the write may or may not have been applied`),
        true,
      );
    }
    const readBack = await this.readBack(entry, deadline);
    if (!("value" in readBack)) {
      // Acknowledged, but the read-back failed: trust the acknowledgement (as the reference does).
      this.store.setValue(definition.index, value, undefined, this.clock.now(), "write");
      return this.outcome(entry, oldValue, value, request, "ack", resultCode, started);
    }
    if (!readBackMatches(definition.type, value, readBack.value)) {
      throw new WriteError(
        "rejected",
        `the controller acknowledged the write to ${definition.name} but holds ${String(readBack.value)} instead of ${String(value)}`,
        true,
      );
    }
    return this.outcome(entry, oldValue, readBack.value, request, "ack+read-back", resultCode, started);
  }

  /**
   * One-value GET_PARAMS at write priority, over by `deadline`; stores and returns the value, or
   * says why there is none.
   */
  private async readBack(
    entry: ParameterEntry,
    deadline: number,
  ): Promise<{ value: ParameterValue } | { failure: string }> {
    const { definition } = entry;
    if (this.clock.now() >= deadline) return { failure: "no time left before WRITE_TIMEOUT" };
    try {
      const reply = await this.bus.request(
        readValuesRequest({
          destination:
            definition.space === "panel" ? this.options.panelAddress : this.options.controllerAddress,
          firstIndex: definition.wireIndex,
          count: 1,
          typeOf: (index) => (index === definition.wireIndex ? definition.type : undefined),
          priority: Priority.WRITE,
          deadline,
          finishBy: deadline,
        }),
      );
      if ("end" in reply) return { failure: "the device answered NO_DATA" };
      const reading = reply.values[0];
      if (!reading) return { failure: "the reply held no value" };
      this.store.setValue(definition.index, reading.value, reading.flag, this.clock.now(), "write");
      return { value: reading.value };
    } catch (error) {
      if (error instanceof BusError) return { failure: error.message };
      throw error;
    }
  }

  private outcome(
    entry: ParameterEntry,
    oldValue: ParameterValue | undefined,
    newValue: ParameterValue,
    request: WriteRequest,
    confirmation: WriteOutcome["confirmation"],
    resultCode: number,
    started: number,
  ): WriteOutcome {
    const now = this.clock.now();
    return {
      index: entry.definition.index,
      name: entry.definition.name,
      oldValue,
      newValue,
      requestedValue: request.value,
      confirmation,
      resultCode,
      durationMs: now - started,
      timestamp: now,
    };
  }
}
