/**
 * Interprets a frame by its command: the typed view used by `decode`, `sniff` and the simulator.
 * Never throws; a payload that does not fit its command's layout gives `{ kind: "malformed" }`.
 */
import { Address, Command, ServiceFunction } from "./constants.js";
import type { Frame } from "./frame.js";
import { ALARM_RECORD_LENGTH, type AlarmRecord, decodeAlarmRecord } from "./payloads/alarm.js";
import { decodeGetParamsResponse, type ParameterReading, type TypeLookup } from "./payloads/get-params.js";
import { decodeIdentity } from "./payloads/identify.js";
import { decodeModifyRequest, decodeModifyResponse, type ModifyRequest } from "./payloads/modify-param.js";
import {
  type DescriptorBatch,
  decodeStructResponse,
  decodeStructWithRangeResponse,
} from "./payloads/params-struct.js";
import { decodeRangeRequest } from "./payloads/range-request.js";
import {
  type ClockBroadcast,
  type DeviceTableEntry,
  decodeAddressAssignment,
  decodeAlarmRequest,
  decodeClock,
  decodeDeviceTable,
  decodeService,
} from "./payloads/service.js";
import { type DeviceSettings, decodeSettingsResponse } from "./payloads/settings.js";
import type { Result } from "./result.js";

export type ServiceDetail =
  | { function: "token-grant" }
  | { function: "token-return" }
  | { function: "clock"; clock: ClockBroadcast }
  | { function: "device-table"; devices: DeviceTableEntry[] }
  | { function: "pairing-beacon" }
  | { function: "address-assignment"; address: number }
  | { function: "alarm-read"; alarmIndex: number }
  | { function: "unknown"; code: number; body: Buffer };

export type Message =
  | { kind: "get-settings" }
  | { kind: "settings"; settings: DeviceSettings }
  | { kind: "struct-request"; withRange: boolean; count: number; firstIndex: number }
  | { kind: "struct-response"; withRange: boolean; batch: DescriptorBatch }
  | { kind: "identify" }
  | { kind: "identity"; strings: string[] }
  | { kind: "modify-request"; request: ModifyRequest }
  | { kind: "modify-result"; result: number }
  | { kind: "get-params-request"; count: number; firstIndex: number }
  /** `values` is present when the types of every index were known. */
  | {
      kind: "get-params-response";
      count: number;
      firstIndex: number;
      values?: ParameterReading[];
      typeError?: string;
    }
  | { kind: "service"; detail: ServiceDetail }
  | { kind: "service-response"; body: Buffer; alarm?: AlarmRecord }
  | { kind: "no-data" }
  | { kind: "error" }
  | { kind: "unknown"; command: number }
  | { kind: "malformed"; command: number; reason: string };

export interface InterpretOptions {
  /** Types by (responding device address, wire index), to decode GET_PARAMS responses. */
  typeOf?: (address: number) => TypeLookup | undefined;
}

function from<T>(command: number, result: Result<T, Error>, build: (value: T) => Message): Message {
  return result.ok ? build(result.value) : { kind: "malformed", command, reason: result.error.message };
}

function emptyOrMalformed(frame: Frame, message: Message): Message {
  return frame.payload.length === 0
    ? message
    : {
        kind: "malformed",
        command: frame.command,
        reason: `expected an empty payload, got ${frame.payload.length} bytes`,
      };
}

export function interpretFrame(frame: Frame, options: InterpretOptions = {}): Message {
  const { command, payload } = frame;
  switch (command) {
    case Command.GET_SETTINGS:
      return emptyOrMalformed(frame, { kind: "get-settings" });
    case Command.GET_SETTINGS_RESPONSE:
      return from(command, decodeSettingsResponse(payload), (settings) => ({ kind: "settings", settings }));
    case Command.GET_PARAMS_STRUCT:
    case Command.GET_PARAMS_STRUCT_WITH_RANGE:
      return from(command, decodeRangeRequest(payload, "GET_PARAMS_STRUCT request"), (range) => ({
        kind: "struct-request",
        withRange: command === Command.GET_PARAMS_STRUCT_WITH_RANGE,
        ...range,
      }));
    case Command.GET_PARAMS_STRUCT_RESPONSE:
      return from(command, decodeStructResponse(payload), (batch) => ({
        kind: "struct-response",
        withRange: false,
        batch,
      }));
    case Command.GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE:
      return from(command, decodeStructWithRangeResponse(payload), (batch) => ({
        kind: "struct-response",
        withRange: true,
        batch,
      }));
    case Command.IDENTIFY:
      return emptyOrMalformed(frame, { kind: "identify" });
    case Command.IDENTIFY_RESPONSE:
      return { kind: "identity", strings: decodeIdentity(payload) };
    case Command.MODIFY_PARAM:
      return from(command, decodeModifyRequest(payload), (request) => ({ kind: "modify-request", request }));
    case Command.MODIFY_PARAM_RESPONSE:
      return from(command, decodeModifyResponse(payload), ({ result }) => ({
        kind: "modify-result",
        result,
      }));
    case Command.GET_PARAMS:
      return from(command, decodeRangeRequest(payload, "GET_PARAMS request"), (range) => ({
        kind: "get-params-request",
        ...range,
      }));
    case Command.GET_PARAMS_RESPONSE:
      return interpretValues(frame, options);
    case Command.SERVICE:
      return interpretService(frame);
    case Command.SERVICE_RESPONSE: {
      // Only the panel answers alarm reads; a thermostat's 0xE8 is a pairing answer, not a record.
      const alarm =
        frame.source === Address.PANEL && payload.length >= ALARM_RECORD_LENGTH
          ? decodeAlarmRecord(payload)
          : undefined;
      return alarm?.ok
        ? { kind: "service-response", body: payload, alarm: alarm.value }
        : { kind: "service-response", body: payload };
    }
    case Command.NO_DATA:
      return emptyOrMalformed(frame, { kind: "no-data" });
    case Command.ERROR:
      return { kind: "error" };
    default:
      return { kind: "unknown", command };
  }
}

function interpretValues(frame: Frame, options: InterpretOptions): Message {
  const { payload, command } = frame;
  if (payload.length < 3) {
    return {
      kind: "malformed",
      command,
      reason: `GET_PARAMS response of ${payload.length} bytes has no header`,
    };
  }
  const count = payload[0]!;
  const firstIndex = payload.readUInt16LE(1);
  const typeOf = options.typeOf?.(frame.source);
  if (!typeOf) return { kind: "get-params-response", count, firstIndex };
  const decoded = decodeGetParamsResponse(payload, typeOf);
  return decoded.ok
    ? { kind: "get-params-response", count, firstIndex, values: decoded.value.values }
    : { kind: "get-params-response", count, firstIndex, typeError: decoded.error.message };
}

function interpretService(frame: Frame): Message {
  const { payload, command } = frame;
  const service = decodeService(payload);
  if (!service.ok) return { kind: "malformed", command, reason: service.error.message };
  const code = service.value.function;
  const detail = (d: ServiceDetail): Message => ({ kind: "service", detail: d });
  switch (code) {
    case ServiceFunction.TOKEN_GRANT:
      return detail({ function: "token-grant" });
    case ServiceFunction.TOKEN_RETURN:
      return detail({ function: "token-return" });
    case ServiceFunction.CLOCK:
      return from(command, decodeClock(payload), (clock) => detail({ function: "clock", clock }));
    case ServiceFunction.DEVICE_TABLE:
      return from(command, decodeDeviceTable(payload), (devices) =>
        detail({ function: "device-table", devices }),
      );
    case ServiceFunction.PAIRING_BEACON:
      return detail({ function: "pairing-beacon" });
    case ServiceFunction.ADDRESS_ASSIGNMENT:
      return from(command, decodeAddressAssignment(payload), ({ address }) =>
        detail({ function: "address-assignment", address }),
      );
    case ServiceFunction.ALARM_READ:
      return from(command, decodeAlarmRequest(payload), ({ alarmIndex }) =>
        detail({ function: "alarm-read", alarmIndex }),
      );
    default:
      return detail({ function: "unknown", code, body: service.value.body });
  }
}
