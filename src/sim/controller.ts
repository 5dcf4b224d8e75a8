/**
 * The simulated controller (regulator, address 1): serves its parameter space with
 * GET_PARAMS_STRUCT_WITH_RANGE (0x02 → 0x82), GET_PARAMS (0x40 → 0xC0, per-value flag bytes),
 * MODIFY_PARAM (0x29 → 0xA9 0xE5 when applied), IDENTIFY (0x09 → 0x89, six strings) and NO_DATA past
 * the end (PROTOCOL.md §5, §21).
 *
 * Rejected writes (PROTOCOL.md documents no rejection, only that 0x7E means "data size error" and
 * 0x7F "generic error / no data"): a value of the wrong size, a malformed request or a count other
 * than 1 is answered ERROR 0x7E; an unknown index, a read-only parameter, an ill-typed or an
 * out-of-range value NO_DATA 0x7F. Either way nothing changes, and a gateway that treats any 0xA9 as
 * success still sees the failure. With `writeRejection: "silent"` rejected writes get no reply.
 */
import {
  Command,
  decodeModifyRequest,
  encodeIdentity,
  encodeModifyResponse,
  type FramedFrame,
  MODIFY_RESULT_CONTROLLER,
  type ParameterValue,
} from "../protocol/index.js";
import { type DeviceContext, SimDevice } from "./device.js";
import { ParameterSpace, type ResponseCap, type WriteRejection } from "./parameter-space.js";
import type { SimParameter } from "./profile/format.js";

export interface ControllerOptions {
  address: number;
  replyLatencyMs: number;
  identity: readonly string[];
  valueCap: ResponseCap;
  descriptorCap: ResponseCap;
  writeRejection: "error-reply" | "silent";
}

/** A MODIFY_PARAM the controller received, applied or not. */
export interface WriteRecord {
  timeMs: number;
  source: number;
  index: number;
  accepted: boolean;
  /** Why it was rejected. */
  reason?: WriteRejection | "malformed";
  /** The value applied. */
  value?: ParameterValue;
}

const MAX_WRITE_RECORDS = 10_000;

export interface ControllerEvents {
  write: [record: WriteRecord];
}

export class SimController extends SimDevice<ControllerEvents> {
  private currentSpace: ParameterSpace;
  /** Writes received, oldest first (bounded). */
  readonly writes: WriteRecord[] = [];

  constructor(
    context: DeviceContext,
    parameters: readonly SimParameter[],
    private readonly options: ControllerOptions,
  ) {
    super("controller", options.address, context, options.replyLatencyMs);
    this.currentSpace = new ParameterSpace("controller", parameters);
  }

  get space(): ParameterSpace {
    return this.currentSpace;
  }

  /**
   * A firmware update: the controller now has `parameters` (names, types, limits, values), e.g. one
   * added or one retyped. A gateway that keeps the old descriptors must notice.
   */
  reflash(parameters: readonly SimParameter[]): void {
    this.currentSpace = new ParameterSpace("controller", parameters);
  }

  get parameterCount(): number {
    return this.space.count;
  }

  getValue(index: number): ParameterValue {
    return this.space.getValue(index);
  }

  /** Changes a value from the simulator side (a test's "the heat pump did something"). */
  setValue(index: number, value: ParameterValue): void {
    this.space.setValue(index, value);
  }

  protected onFrame(frame: FramedFrame): void {
    if (frame.destination !== this.address) return;
    this.count(frame);
    if (this.faults.controllerSilenced()) return;
    switch (frame.command) {
      case Command.IDENTIFY:
        this.reply(frame, Command.IDENTIFY_RESPONSE, encodeIdentity(this.options.identity));
        return;
      case Command.GET_PARAMS_STRUCT_WITH_RANGE:
      case Command.GET_PARAMS:
        this.serveRange(frame, this.space, {
          withRange: true,
          valueCap: this.options.valueCap,
          descriptorCap: this.options.descriptorCap,
          malformed: "error",
        });
        return;
      case Command.MODIFY_PARAM:
        this.serveWrite(frame);
        return;
      default:
        // GET_PARAMS_STRUCT (no range) and anything else: a controller does not answer.
        return;
    }
  }

  private record(record: WriteRecord): void {
    this.writes.push(record);
    if (this.writes.length > MAX_WRITE_RECORDS) this.writes.shift();
    this.emit("write", record);
  }

  private serveWrite(frame: FramedFrame): void {
    const timeMs = this.clock.now();
    const decoded = decodeModifyRequest(frame.payload);
    if (!decoded.ok || decoded.value.count !== 1) {
      const index = decoded.ok ? decoded.value.index : -1;
      this.record({ timeMs, source: frame.source, index, accepted: false, reason: "malformed" });
      this.rejectWith(frame, Command.ERROR);
      return;
    }
    const { index, valueBytes } = decoded.value;
    const outcome = this.space.applyWrite(index, valueBytes);
    if (outcome.ok) {
      this.record({ timeMs, source: frame.source, index, accepted: true, value: outcome.value });
      this.reply(frame, Command.MODIFY_PARAM_RESPONSE, encodeModifyResponse(MODIFY_RESULT_CONTROLLER));
      return;
    }
    this.record({ timeMs, source: frame.source, index, accepted: false, reason: outcome.reason });
    this.rejectWith(frame, outcome.reason === "wrong-size" ? Command.ERROR : Command.NO_DATA);
  }

  private rejectWith(frame: FramedFrame, command: number): void {
    if (this.options.writeRejection === "error-reply") this.reply(frame, command);
  }
}
