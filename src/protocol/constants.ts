/** Wire constants of the GM3 bus (PROTOCOL.md §2, §5, §10). */

export const FRAME_BEGIN = 0x68;
export const FRAME_END = 0x16;
/** BEGIN + LEN(2) + DST(2) + SRC(2) + CMD + CRC(2) + END: a frame with an empty payload. */
export const MIN_FRAME_LENGTH = 11;
/** No protocol limit exists; 1024 is field-proven and above the largest estimated frame (~900). */
export const MAX_FRAME_LENGTH = 1024;
/** LEN = total frame length − 6. */
export const LENGTH_FIELD_OFFSET = 6;
/** Bytes of a frame that are not payload. */
export const FRAME_OVERHEAD = MIN_FRAME_LENGTH;
/** Offset of the first payload byte. */
export const PAYLOAD_OFFSET = 8;

export const BROADCAST_ADDRESS = 0xffff;

/** Well-known bus addresses (PROTOCOL.md §10.1). */
export const Address = {
  CONTROLLER: 1,
  PANEL: 100,
  THERMOSTAT: 165,
  POLLER: 0xffff,
  BROADCAST: BROADCAST_ADDRESS,
} as const;

/** Range in which a gateway may claim an address (PROTOCOL.md §13). */
export const GATEWAY_ADDRESS_RANGE = { first: 105, last: 130 } as const;
/** Range in which a virtual thermostat may claim an address (PROTOCOL.md §17.5). */
export const THERMOSTAT_ADDRESS_RANGE = { first: 160, last: 199 } as const;
/** Source address of a thermostat's answer to the pairing beacon (PROTOCOL.md §17.5). */
export const THERMOSTAT_PAIRING_ADDRESS = 163;

/** Command codes. A response code is its request code with bit 7 set. */
export const Command = {
  GET_SETTINGS: 0x00,
  GET_PARAMS_STRUCT: 0x01,
  GET_PARAMS_STRUCT_WITH_RANGE: 0x02,
  IDENTIFY: 0x09,
  MODIFY_PARAM: 0x29,
  GET_PARAMS: 0x40,
  SERVICE: 0x68,
  ERROR: 0x7e,
  NO_DATA: 0x7f,
  GET_SETTINGS_RESPONSE: 0x80,
  GET_PARAMS_STRUCT_RESPONSE: 0x81,
  GET_PARAMS_STRUCT_WITH_RANGE_RESPONSE: 0x82,
  IDENTIFY_RESPONSE: 0x89,
  MODIFY_PARAM_RESPONSE: 0xa9,
  GET_PARAMS_RESPONSE: 0xc0,
  SERVICE_RESPONSE: 0xe8,
} as const;
export type CommandCode = (typeof Command)[keyof typeof Command];

export const RESPONSE_BIT = 0x80;

export function responseCodeOf(requestCode: number): number {
  return requestCode | RESPONSE_BIT;
}

const commandNames = new Map<number, string>(Object.entries(Command).map(([name, code]) => [code, name]));

/** The command's name, or `CMD_0xNN` for a code PROTOCOL.md does not know. */
export function commandName(code: number): string {
  return commandNames.get(code) ?? `CMD_0x${code.toString(16).padStart(2, "0").toUpperCase()}`;
}

/** SERVICE function codes (first two payload bytes, LE) — PROTOCOL.md §5.7. */
export const ServiceFunction = {
  ALARM_READ: 0x0200,
  TOKEN_RETURN: 0x0800,
  TOKEN_GRANT: 0x0801,
  CLOCK: 0x0023,
  DEVICE_TABLE: 0x2001,
  PAIRING_BEACON: 0x2004,
  ADDRESS_ASSIGNMENT: 0x2005,
} as const;
export type ServiceFunctionCode = (typeof ServiceFunction)[keyof typeof ServiceFunction];

const serviceNames = new Map<number, string>(
  Object.entries(ServiceFunction).map(([name, code]) => [code, name]),
);

export function serviceFunctionName(code: number): string {
  return serviceNames.get(code) ?? `FUNCTION_0x${code.toString(16).padStart(4, "0").toUpperCase()}`;
}

/** Authentication strings sent with MODIFY_PARAM (PROTOCOL.md §5.5). */
export const WriteAuth = {
  /** What the field-tested gateway sends; writes persist with it. */
  GATEWAY: { user: "USER-000", code: "4096" },
  /** What the panel sends to the controller. */
  PANEL: { user: "USER-000", code: "4095" },
  /** What the panel reportedly sends to a thermostat. */
  PANEL_TO_THERMOSTAT: { user: "USER-001", code: "4096" },
} as const;

/** Result byte every captured controller MODIFY_PARAM answer carries. */
export const MODIFY_RESULT_CONTROLLER = 0xe5;
/** Result byte the thermostat emulator answers. */
export const MODIFY_RESULT_OK = 0x00;

/** Panel-space parameters are stored at 10000 + wire index (PROTOCOL.md §9). */
export const PANEL_INDEX_OFFSET = 10_000;
