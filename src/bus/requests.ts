/** Builders for the requests the services make, each with the rule that recognises its reply. */
import {
  type AlarmRecord,
  Command,
  type DescriptorBatch,
  decodeAlarmRecord,
  decodeGetParamsResponse,
  decodeModifyResponse,
  decodeStructResponse,
  decodeStructWithRangeResponse,
  encodeAlarmRequest,
  encodeModifyRequest,
  encodeRangeRequest,
  FRAME_OVERHEAD,
  type Frame,
  MAX_FRAME_LENGTH,
  type TypeLookup,
  type ValueBatch,
  WriteAuth,
} from "../protocol/index.js";
import { type BusRequest, Priority, type ReplyVerdict } from "./request.js";

/** The header every ranged reply starts with; undefined if too short. */
function replyHeader(frame: Frame): { count: number; firstIndex: number } | undefined {
  if (frame.payload.length < 3) return undefined;
  return { count: frame.payload[0]!, firstIndex: frame.payload.readUInt16LE(1) };
}

/** Reply to "count from firstIndex": same first index and no more than asked (§5.4, §5.9). */
function answersRange(frame: Frame, firstIndex: number, count: number): boolean {
  const header = replyHeader(frame);
  return (
    header !== undefined && header.firstIndex === firstIndex && header.count <= count && header.count > 0
  );
}

export type ValuesReply = ValueBatch | { end: true };

/** GET_PARAMS `count` values from `firstIndex` (wire indices of the destination's space). */
export function readValuesRequest(args: {
  destination: number;
  firstIndex: number;
  count: number;
  typeOf: TypeLookup;
  priority?: Priority;
  deadline?: number;
  finishBy?: number;
}): BusRequest<ValuesReply> {
  const { destination, firstIndex, count, typeOf } = args;
  return {
    destination,
    command: Command.GET_PARAMS,
    payload: encodeRangeRequest({ count, firstIndex }),
    priority: args.priority ?? Priority.POLL,
    deadline: args.deadline,
    finishBy: args.finishBy,
    label: `GET_PARAMS ${count}@${firstIndex}`,
    judge(frame): ReplyVerdict<ValuesReply> | undefined {
      if (frame.command === Command.NO_DATA) return { kind: "ok", value: { end: true } };
      if (frame.command === Command.ERROR) return { kind: "rejected", reason: "the device answered ERROR" };
      if (frame.command !== Command.GET_PARAMS_RESPONSE || !answersRange(frame, firstIndex, count))
        return undefined;
      const decoded = decodeGetParamsResponse(frame.payload, typeOf);
      return decoded.ok
        ? { kind: "ok", value: decoded.value }
        : { kind: "garbled", reason: decoded.error.message };
    },
  };
}

/**
 * Whether the destination has a parameter at `index`: a GET_PARAMS reply from that index says yes,
 * NO_DATA/ERROR (past the end of its space, PROTOCOL.md §5.4) say no. The value is not parsed, so
 * no type needs to be known.
 */
export function parameterExistsRequest(args: {
  destination: number;
  index: number;
  label?: string;
}): BusRequest<boolean> {
  const { destination, index } = args;
  return {
    destination,
    command: Command.GET_PARAMS,
    payload: encodeRangeRequest({ count: 1, firstIndex: index }),
    priority: Priority.POLL,
    label: args.label ?? `GET_PARAMS 1@${index}`,
    judge(frame): ReplyVerdict<boolean> | undefined {
      if (frame.command === Command.NO_DATA || frame.command === Command.ERROR)
        return { kind: "ok", value: false };
      if (frame.command !== Command.GET_PARAMS_RESPONSE || frame.payload.length < 3) return undefined;
      return frame.payload.readUInt16LE(1) === index && frame.payload[0] !== 0
        ? { kind: "ok", value: true }
        : undefined;
    },
  };
}

export type DescriptorsReply = DescriptorBatch | { end: true };

/** GET_PARAMS_STRUCT(_WITH_RANGE) from `firstIndex`; NO_DATA and ERROR end the space (§5.8). */
export function readDescriptorsRequest(args: {
  destination: number;
  withRange: boolean;
  firstIndex: number;
  count: number;
  maxAttempts?: number;
}): BusRequest<DescriptorsReply> {
  const { destination, withRange, firstIndex, count } = args;
  const responseCode = withRange
    ? Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE
    : Command.GET_PARAMS_STRUCT_RESPONSE;
  return {
    destination,
    command: withRange ? Command.GET_PARAMS_STRUCT_WITH_RANGE : Command.GET_PARAMS_STRUCT,
    payload: encodeRangeRequest({ count, firstIndex }),
    priority: Priority.POLL,
    maxAttempts: args.maxAttempts,
    label: `${withRange ? "GET_PARAMS_STRUCT_WITH_RANGE" : "GET_PARAMS_STRUCT"} ${count}@${firstIndex}`,
    judge(frame): ReplyVerdict<DescriptorsReply> | undefined {
      if (frame.command === Command.NO_DATA || frame.command === Command.ERROR)
        return { kind: "ok", value: { end: true } };
      if (frame.command !== responseCode || !answersRange(frame, firstIndex, count)) return undefined;
      const decoded = withRange
        ? decodeStructWithRangeResponse(frame.payload)
        : decodeStructResponse(frame.payload);
      return decoded.ok
        ? { kind: "ok", value: decoded.value }
        : { kind: "garbled", reason: decoded.error.message };
    },
  };
}

/** The credentials the gateway's writes carry (the field-tested gateway's; writes persist with them). */
const WRITE_AUTH = WriteAuth.GATEWAY;

/**
 * Bytes a MODIFY_PARAM frame of ours has room for after its header: the most value bytes (a
 * string's NUL included) one write can carry (PROTOCOL.md §2: frames are at most 1,024 bytes).
 */
export const MODIFY_VALUE_CAPACITY =
  MAX_FRAME_LENGTH -
  FRAME_OVERHEAD -
  encodeModifyRequest({ ...WRITE_AUTH, index: 0, valueBytes: Buffer.alloc(0) }).length;

/** MODIFY_PARAM of one parameter. Sent once: a write is never repeated blindly. */
export function modifyParameterRequest(args: {
  destination: number;
  index: number;
  valueBytes: Buffer;
  deadline?: number;
  finishBy?: number;
  /** The owner's last check right before the frame goes out (see BusRequest). */
  beforeTransmit?: () => Error | undefined;
}): BusRequest<number> {
  return {
    destination: args.destination,
    command: Command.MODIFY_PARAM,
    payload: encodeModifyRequest({ ...WRITE_AUTH, index: args.index, valueBytes: args.valueBytes }),
    priority: Priority.WRITE,
    maxAttempts: 1,
    deadline: args.deadline,
    finishBy: args.finishBy,
    beforeTransmit: args.beforeTransmit,
    label: `MODIFY_PARAM #${args.index}`,
    judge(frame): ReplyVerdict<number> | undefined {
      if (frame.command === Command.ERROR)
        return { kind: "rejected", reason: "the controller answered ERROR" };
      if (frame.command === Command.NO_DATA)
        return { kind: "rejected", reason: "the controller answered NO_DATA" };
      if (frame.command !== Command.MODIFY_PARAM_RESPONSE) return undefined;
      const decoded = decodeModifyResponse(frame.payload);
      // Any 0xA9 is an acknowledgement (§5.5); an empty one still is, its result byte unknown.
      return { kind: "ok", value: decoded.ok ? decoded.value.result : -1 };
    },
  };
}

export type AlarmReply = AlarmRecord | { end: true };

/** One record of the panel's alarm history (SERVICE 0x0200). */
export function readAlarmRequest(args: {
  panel: number;
  alarmIndex: number;
  deadline?: number;
}): BusRequest<AlarmReply> {
  return {
    destination: args.panel,
    command: Command.SERVICE,
    payload: encodeAlarmRequest(args.alarmIndex),
    priority: Priority.ALARM,
    deadline: args.deadline,
    label: `alarm read #${args.alarmIndex}`,
    judge(frame): ReplyVerdict<AlarmReply> | undefined {
      if (frame.command === Command.NO_DATA || frame.command === Command.ERROR)
        return { kind: "ok", value: { end: true } };
      if (frame.command !== Command.SERVICE_RESPONSE) return undefined;
      if (frame.payload.length < 15) return { kind: "ok", value: { end: true } };
      const record = decodeAlarmRecord(frame.payload);
      if (!record.ok) return { kind: "garbled", reason: record.error.message };
      return { kind: "ok", value: record.value.from ? record.value : { end: true } };
    },
  };
}
