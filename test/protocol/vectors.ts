/**
 * Byte vectors copied from PROTOCOL.md (§2, §3, §5.5, §11, §16.4–§16.6, §17.2, §19.4, §20) as hex
 * strings, so tests need no ../shared. They are facts about the wire, not expectations we chose.
 */

/** Hex with optional spaces → bytes. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ""), "hex");
}

/** §20, captured frames [capture]. */
export const CAPTURED = {
  /** §2 and §20: IDENTIFY 100 → 131, empty payload. */
  identify: "68 05 00 83 00 64 00 09 63 27 16",
  /** §20: GET_PARAMS 0xFFFF → 1, count 100 from 100. */
  getParamsPoller: "68 08 00 01 00 ff ff 40 64 64 00 ed 51 16",
  /** §20: GET_PARAMS 100 → 165, count 255 from 0. */
  getParamsThermostat: "68 08 00 a5 00 64 00 40 ff 00 00 7c 5a 16",
  /** §20: NO_DATA 165 → 100. */
  noData: "68 05 00 64 00 a5 00 7f 30 69 16",
  /** §5.5 and §20: MODIFY_PARAM 100 → 1, "USER-000"/"4095", count 1, index 403, u32 1. */
  modify: "68 1a 00 01 00 64 00 29 55 53 45 52 2d 30 30 30 00 34 30 39 35 00 01 93 01 01 00 00 00 6c a9 16",
  /** §5.5 and §20: MODIFY_PARAM_RESPONSE 1 → 100, result 0xE5. */
  modifyResponse: "68 06 00 64 00 01 00 a9 e5 a5 ab 16",
  /** §20: SERVICE 0x2001 device table 100 → broadcast (100 = 20.78 °C, 165 = 18.9 °C). */
  deviceTable: "68 15 00 ff ff 64 00 68 01 20 00 00 64 00 7c 3c a6 41 a5 00 68 38 97 41 96 8d 16",
  /** §20: SERVICE 0x0023 clock 100 → broadcast (2026-01-22 20:55:07, weekday 4). */
  clock: "68 19 00 ff ff 64 00 68 23 00 00 00 01 01 00 01 01 00 07 37 14 16 01 ea 07 04 01 00 31 e3 16",
} as const;

/** §20, gateway-side frames (gateway address 114) [field]. */
export const GATEWAY = {
  /** §11 and §20: token return 114 → 100. */
  tokenReturn: "68 09 00 64 00 72 00 68 00 08 00 00 48 df 16",
  /** §20: IDENTIFY_RESPONSE 114 → 100 with the 17-byte gateway identity. */
  identifyResponse: "68 16 00 64 00 72 00 89 50 4c 55 4d 00 45 63 6f 4e 45 58 54 00 00 00 00 00 ce 2a 16",
  /** §20: GET_PARAMS_STRUCT_WITH_RANGE 114 → 1, count 100 from 0. */
  structWithRange: "68 08 00 01 00 72 00 02 64 00 00 69 87 16",
  /** §20: GET_PARAMS_STRUCT 114 → 100, count 100 from 0. */
  struct: "68 08 00 64 00 72 00 01 64 00 00 37 5d 16",
  /** §20: GET_PARAMS 114 → 1, count 100 from 100. */
  getParams: "68 08 00 01 00 72 00 40 64 64 00 2d 9d 16",
  /** §20: MODIFY_PARAM 114 → 1, "USER-000"/"4096", index 103, u8 50. */
  modify: "68 17 00 01 00 72 00 29 55 53 45 52 2d 30 30 30 00 34 30 39 36 00 01 67 00 32 85 ad 16",
  /** §16.4 and §20: alarm request 114 → 100, index 0. */
  alarmRequest: "68 10 00 64 00 72 00 68 00 02 00 00 01 01 00 01 01 00 00 f4 d3 16",
  /** §20: GET_SETTINGS 114 → broadcast. */
  getSettings: "68 05 00 ff ff 72 00 00 de c3 16",
} as const;

/** §3: CRC worked example — LEN..CMD of the IDENTIFY frame, CRC 0x6327. */
export const CRC_EXAMPLE = { bytes: "05 00 83 00 64 00 09", crc: 0x6327 } as const;

/** §16.5: the device-table payload. */
export const DEVICE_TABLE_PAYLOAD = "01 20 00 00 64 00 7c 3c a6 41 a5 00 68 38 97 41";

/** §16.6: the clock payload (20 bytes). */
export const CLOCK_PAYLOAD = "23 00 00 00 01 01 00 01 01 00 07 37 14 16 01 ea 07 04 01 00";

/** §16.4: the alarm-request payload for index 0. */
export const ALARM_REQUEST_PAYLOAD = "00 02 00 00 01 01 00 01 01 00 00";

/** §5.6: the gateway's 17-byte IDENTIFY answer. */
export const GATEWAY_IDENTITY_PAYLOAD = "50 4c 55 4d 00 45 63 6f 4e 45 58 54 00 00 00 00 00";

/** §17.2: the virtual thermostat's 67-byte identity. */
export const THERMOSTAT_IDENTITY_PAYLOAD =
  "504c554d2053702e207a206f2e6f2e0065636f535445525f343000303030303030303030320030330030300048322e302e305f533030312e32345f44364146435f5f00";

/** §6: NaN as the thermostat sends it for its absent external sensor. */
export const THERMOSTAT_NAN = "00 00 c0 7f";

/** §11: the token return payload. */
export const TOKEN_RETURN_PAYLOAD = "00 08 00 00";

/** §5.4: GET_PARAMS request payloads. */
export const GET_PARAMS_REQUESTS = [
  { payload: "64 64 00", count: 100, firstIndex: 100 },
  { payload: "ff 00 00", count: 255, firstIndex: 0 },
  { payload: "ff 23 00", count: 255, firstIndex: 35 },
] as const;
