/**
 * The simulator's true state, read from its own bus log (`gm3 sim --bus-log FILE`, one JSON line per
 * transmission, written by the simulator as it sends). A transmission the simulator logged as a
 * CRC-valid frame went out as the device built it (faults only ever break a frame: a flipped CRC, a
 * cut), so every valid GET_PARAMS answer of the controller or the panel carries that device's
 * values at that moment. The 0xFFFF poller sweeps the controller every panel cycle (~2.6 s), so the
 * controller's truth is sampled independently of the gateway's own reads.
 *
 * Also kept: every MODIFY_PARAM frame the gateway put on the wire (to count writes sent twice), and
 * the offset between the simulator's clock and this process's wall clock.
 */
import { closeSync, openSync, readSync } from "node:fs";
import {
  Command,
  decodeFrame,
  decodeGetParamsResponse,
  decodeModifyRequest,
  type ParameterValue,
  readValue,
  type TypeLookup,
} from "../../src/protocol/index.js";
import { defaultProfile } from "../../src/sim/profile/load.js";

const CONTROLLER = 1;
const PANEL = 100;
/** The API shows panel parameters at 10000 + their wire index (PROTOCOL.md §9). */
export const PANEL_INDEX_OFFSET = 10_000;

/** One change of a parameter's reported value: from `timeMs` (simulator clock) on it was `value`. */
interface Change {
  timeMs: number;
  value: ParameterValue;
}

/** A MODIFY_PARAM frame sent by the gateway. */
export interface ModifyOnWire {
  /** Simulator clock, first byte on the wire. */
  timeMs: number;
  destination: number;
  index: number;
  valueBytes: Buffer;
}

interface BusLogLine {
  time_ms: number;
  end_ms: number;
  sender: string;
  valid: boolean;
  collided: boolean;
  hex: string;
}

function typeLookup(space: "regulator" | "panel"): TypeLookup {
  const parameters = defaultProfile()[space];
  return (index) => parameters[index]?.typeCode;
}

export class WireTruth {
  private readonly history = new Map<number, Change[]>();
  private readonly controllerTypes = typeLookup("regulator");
  private readonly panelTypes = typeLookup("panel");
  private position = 0;
  private partial = "";
  private fd: number | undefined;
  /** Smallest (wall ms when read − simulator ms when sent): the simulator's clock origin on the wall clock. */
  private originMs = Number.POSITIVE_INFINITY;
  readonly modifies: ModifyOnWire[] = [];
  readonly counts = {
    lines: 0,
    validAnswers: 0,
    /** Device transmissions that were not a valid frame (CRC flipped, cut, collided). */
    brokenDeviceFrames: 0,
    noiseBursts: 0,
    /** Frames from the gateway the log shows broken (a collision on the wire). */
    brokenGatewayFrames: 0,
    gatewayFrames: 0,
    /** Valid answers whose values could not be delimited with the profile's types. */
    undecodable: 0,
  };
  /** Latest simulator time seen in the log. */
  latestMs = 0;

  constructor(
    private readonly path: string,
    /** Sender name of the gateway's transceiver in the log (`pty:<path>`). */
    private readonly gatewaySender: string,
  ) {}

  /** Reads what the simulator has appended since the last call. */
  poll(): void {
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.path, "r");
      } catch {
        return; // not created yet
      }
    }
    const buffer = Buffer.alloc(1 << 20);
    for (;;) {
      const read = readSync(this.fd, buffer, 0, buffer.length, this.position);
      if (read <= 0) break;
      this.position += read;
      const now = performance.timeOrigin + performance.now();
      const text = this.partial + buffer.subarray(0, read).toString("utf8");
      const lines = text.split("\n");
      this.partial = lines.pop() ?? "";
      for (const line of lines) if (line) this.take(JSON.parse(line) as BusLogLine, now);
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Wall-clock ms (epoch) of a simulator time. */
  wallOf(simMs: number): number {
    return this.originMs + simMs;
  }

  /** Simulator time of a wall-clock ms (epoch). */
  simOf(wallMs: number): number {
    return wallMs - this.originMs;
  }

  private take(line: BusLogLine, readAtWall: number): void {
    this.counts.lines++;
    this.originMs = Math.min(this.originMs, readAtWall - line.end_ms);
    this.latestMs = Math.max(this.latestMs, line.end_ms);
    const fromGateway = line.sender === this.gatewaySender;
    if (line.sender === "noise") {
      this.counts.noiseBursts++;
      return;
    }
    if (fromGateway) this.counts.gatewayFrames++;
    if (!line.valid) {
      if (fromGateway) this.counts.brokenGatewayFrames++;
      else this.counts.brokenDeviceFrames++;
      return;
    }
    const decoded = decodeFrame(Buffer.from(line.hex, "hex"));
    if (!decoded.ok) return;
    const frame = decoded.value;
    if (fromGateway && frame.command === Command.MODIFY_PARAM) {
      const request = decodeModifyRequest(frame.payload);
      if (request.ok) {
        this.modifies.push({
          timeMs: line.time_ms,
          destination: frame.destination,
          index: request.value.index,
          valueBytes: request.value.valueBytes,
        });
      }
      return;
    }
    if (frame.command !== Command.GET_PARAMS_RESPONSE) return;
    const sender = line.sender === "controller" ? CONTROLLER : line.sender === "panel" ? PANEL : undefined;
    if (sender === undefined || frame.source !== sender) return;
    const batch = decodeGetParamsResponse(
      frame.payload,
      sender === CONTROLLER ? this.controllerTypes : this.panelTypes,
    );
    if (!batch.ok) {
      this.counts.undecodable++;
      return;
    }
    this.counts.validAnswers++;
    const offset = sender === PANEL ? PANEL_INDEX_OFFSET : 0;
    for (const reading of batch.value.values)
      this.record(reading.index + offset, line.time_ms, reading.value);
  }

  private record(key: number, timeMs: number, value: ParameterValue): void {
    let changes = this.history.get(key);
    if (!changes) {
      changes = [];
      this.history.set(key, changes);
    }
    const last = changes[changes.length - 1];
    if (last && sameValue(last.value, value)) return;
    changes.push({ timeMs, value });
  }

  /** Whether the device ever reported a value for this API index. */
  knows(key: number): boolean {
    return this.history.has(key);
  }

  /**
   * The values the device held (as reported on the wire) from `fromMs` to `toMs`: the one in effect
   * at `fromMs` and every change up to `toMs`. Empty when nothing was reported before `toMs`.
   */
  valuesBetween(key: number, fromMs: number, toMs: number): ParameterValue[] {
    const changes = this.history.get(key);
    if (!changes) return [];
    const values: ParameterValue[] = [];
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i]!;
      if (change.timeMs > toMs) break;
      const next = changes[i + 1];
      if (change.timeMs >= fromMs || next === undefined || next.timeMs > fromMs) values.push(change.value);
    }
    return values;
  }

  /** How many distinct values this parameter took over the run (1 = never changed). */
  changesOf(key: number): number {
    return this.history.get(key)?.length ?? 0;
  }

  get parametersSeen(): number {
    return this.history.size;
  }
}

/** The value of a MODIFY frame, decoded with the controller's type of that index. */
export function modifyValue(modify: ModifyOnWire): ParameterValue | undefined {
  const type = defaultProfile().regulator[modify.index]?.typeCode;
  if (type === undefined) return undefined;
  const read = readValue(type, modify.valueBytes, 0);
  return read.ok ? read.value.value : undefined;
}

/**
 * Whether a value the API served equals one reported on the wire. The API gives JSON: NaN floats
 * become null, floats are printed from their 32-bit value, so a small relative tolerance is allowed.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const nanLike = (v: unknown) => v === null || (typeof v === "number" && Number.isNaN(v));
  if (nanLike(a) && nanLike(b)) return true;
  if (typeof a === "number" && typeof b === "number") {
    return Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (typeof a === "boolean" || typeof b === "boolean") return Number(a) === Number(b);
  return false;
}
