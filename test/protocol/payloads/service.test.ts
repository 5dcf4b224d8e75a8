import { describe, expect, it } from "vitest";
import { ServiceFunction, serviceFunctionName } from "../../../src/protocol/constants.js";
import { PayloadError } from "../../../src/protocol/payloads/reader.js";
import {
  ASSIGNED_ADDRESS_OFFSET,
  clockFromDate,
  decodeAddressAssignment,
  decodeAlarmRequest,
  decodeClock,
  decodeDeviceTable,
  decodeService,
  encodeAddressAssignment,
  encodeAlarmRequest,
  encodeClock,
  encodeDeviceTable,
  encodePairingBeacon,
  encodeService,
  encodeTokenGrant,
  encodeTokenReturn,
  isServiceFunction,
  SERVICE_PREFIX,
} from "../../../src/protocol/payloads/service.js";
import {
  ALARM_REQUEST_PAYLOAD,
  CAPTURED,
  CLOCK_PAYLOAD,
  DEVICE_TABLE_PAYLOAD,
  GATEWAY,
  hex,
  TOKEN_RETURN_PAYLOAD,
} from "../vectors.js";
import { failure, payloadOf, unwrap } from "./helpers.js";

describe("SERVICE: [function u16 LE][body] (PROTOCOL.md §5.7)", () => {
  it("splits function and body, and joins them back", () => {
    const payload = hex(DEVICE_TABLE_PAYLOAD);
    const message = unwrap(decodeService(payload));
    expect(message.function).toBe(ServiceFunction.DEVICE_TABLE);
    expect(encodeService(message.function, message.body)).toEqual(payload);
    failure(decodeService(hex("01")), PayloadError, /SERVICE: function at offset 0 needs 2 byte/);
  });

  it("names the functions", () => {
    expect(serviceFunctionName(0x0801)).toBe("TOKEN_GRANT");
    expect(serviceFunctionName(0x1234)).toBe("FUNCTION_0x1234");
  });

  it("token return: the §11/§20 payload 00 08 00 00", () => {
    expect(encodeTokenReturn()).toEqual(hex(TOKEN_RETURN_PAYLOAD));
    expect(encodeTokenReturn()).toEqual(payloadOf(GATEWAY.tokenReturn));
    expect(isServiceFunction(payloadOf(GATEWAY.tokenReturn), ServiceFunction.TOKEN_RETURN)).toBe(true);
  });

  it("token grant: function 0x0801, recognised by its function alone", () => {
    expect(encodeTokenGrant().subarray(0, 2)).toEqual(hex("01 08"));
    expect(isServiceFunction(hex("01 08 12 34 56"), ServiceFunction.TOKEN_GRANT)).toBe(true);
    expect(isServiceFunction(hex("01"), ServiceFunction.TOKEN_GRANT)).toBe(false);
    expect(isServiceFunction(hex("00 08"), ServiceFunction.TOKEN_GRANT)).toBe(false);
  });

  it("pairing beacon: 04 20 00 00", () => {
    expect(encodePairingBeacon()).toEqual(hex("04 20 00 00"));
  });
});

describe("clock broadcast 0x0023 (PROTOCOL.md §16.6)", () => {
  it("the captured payload decodes to 2026-01-22 20:55:07, weekday 4, and re-encodes identically", () => {
    const payload = payloadOf(CAPTURED.clock);
    expect(payload).toEqual(hex(CLOCK_PAYLOAD));
    const clock = unwrap(decodeClock(payload));
    expect(clock).toEqual({
      second: 7,
      minute: 55,
      hour: 20,
      day: 22,
      month: 1,
      year: 2026,
      weekday: 4,
      prefix: SERVICE_PREFIX,
      trailer: hex("01 00"),
    });
    expect(encodeClock(clock)).toEqual(payload);
    // The fields alone (default prefix and trailer) give the same bytes.
    const { prefix: _p, trailer: _t, ...fields } = clock;
    expect(encodeClock(fields)).toEqual(payload);
  });

  it("builds the fields from a local date, Monday = 1 … Sunday = 7", () => {
    expect(clockFromDate(new Date(2026, 0, 22, 20, 55, 7))).toEqual({
      second: 7,
      minute: 55,
      hour: 20,
      day: 22,
      month: 1,
      year: 2026,
      weekday: 4,
    });
    expect(clockFromDate(new Date(2026, 0, 25, 0, 0, 0)).weekday).toBe(7);
    expect(clockFromDate(new Date(2026, 0, 26, 0, 0, 0)).weekday).toBe(1);
  });

  it("refuses a different function and a short payload", () => {
    failure(
      decodeClock(hex(DEVICE_TABLE_PAYLOAD)),
      PayloadError,
      /expected SERVICE function 0x0023, got 0x2001/,
    );
    failure(
      decodeClock(hex(CLOCK_PAYLOAD).subarray(0, 16)),
      PayloadError,
      /clock broadcast: year at offset 15 needs 2 byte/,
    );
  });
});

describe("device table 0x2001 (PROTOCOL.md §16.5)", () => {
  it("the captured payload decodes to panel 100 = 20.78 °C and thermostat 165 = 18.9 °C", () => {
    const payload = payloadOf(CAPTURED.deviceTable);
    expect(payload).toEqual(hex(DEVICE_TABLE_PAYLOAD));
    expect(unwrap(decodeDeviceTable(payload))).toEqual([
      { address: 100, temperature: 20.78 },
      { address: 165, temperature: 18.9 },
    ]);
  });

  it("re-encodes addresses exactly; temperatures are rounded on decode, so they come back as the nearest binary32", () => {
    const payload = hex(DEVICE_TABLE_PAYLOAD);
    const entries = unwrap(decodeDeviceTable(payload));
    const again = encodeDeviceTable(entries);
    // Header and addresses are byte-identical; 20.7795… became 20.78, 18.9002… became 18.9.
    expect(again.subarray(0, 6)).toEqual(payload.subarray(0, 6));
    expect(again.subarray(10, 12)).toEqual(payload.subarray(10, 12));
    expect(again.readFloatLE(6)).toBe(Math.fround(20.78));
    expect(again.readFloatLE(12)).toBe(Math.fround(18.9));
    expect(unwrap(decodeDeviceTable(again))).toEqual(entries);
  });

  it("encodes the exact binary32 temperatures to the captured bytes", () => {
    const payload = hex(DEVICE_TABLE_PAYLOAD);
    const exact = [
      { address: 100, temperature: payload.readFloatLE(6) },
      { address: 165, temperature: payload.readFloatLE(12) },
    ];
    expect(encodeDeviceTable(exact)).toEqual(payload);
  });

  it("keeps NaN and accepts an empty table", () => {
    const table = unwrap(decodeDeviceTable(encodeDeviceTable([{ address: 170, temperature: Number.NaN }])));
    expect(table[0]?.address).toBe(170);
    expect(table[0]?.temperature).toBeNaN();
    expect(unwrap(decodeDeviceTable(hex("01 20 00 00")))).toEqual([]);
  });

  it("refuses entry bytes that are not whole 6-byte entries", () => {
    failure(
      decodeDeviceTable(hex(`${DEVICE_TABLE_PAYLOAD} 00`)),
      PayloadError,
      /device table: 13 entry bytes is not a multiple of 6/,
    );
    failure(decodeDeviceTable(hex("01 20 00")), PayloadError, /reserved bytes at offset 2 needs 2 byte/);
    failure(
      decodeDeviceTable(hex(CLOCK_PAYLOAD)),
      PayloadError,
      /expected SERVICE function 0x2001, got 0x0023/,
    );
  });
});

describe("pairing address assignment 0x2005 (PROTOCOL.md §17.5)", () => {
  it("carries the assigned address at payload offset 4 (u16 LE)", () => {
    const payload = encodeAddressAssignment(166);
    expect(payload).toEqual(hex("05 20 00 00 a6 00"));
    expect(payload.readUInt16LE(ASSIGNED_ADDRESS_OFFSET)).toBe(166);
    expect(unwrap(decodeAddressAssignment(payload))).toEqual({ address: 166 });
    expect(unwrap(decodeAddressAssignment(hex("05 20 00 00 a6 00 ff ff")))).toEqual({ address: 166 });
  });

  it("refuses a short assignment or another function", () => {
    failure(
      decodeAddressAssignment(hex("05 20 00 00 a6")),
      PayloadError,
      /assigned address at offset 4 needs 2 byte/,
    );
    failure(
      decodeAddressAssignment(hex("04 20 00 00 a6 00")),
      PayloadError,
      /expected SERVICE function 0x2005, got 0x2004/,
    );
  });
});

describe("alarm read request 0x0200 (PROTOCOL.md §16.4)", () => {
  it("the §16.4/§20 request for index 0 round-trips", () => {
    const payload = payloadOf(GATEWAY.alarmRequest);
    expect(payload).toEqual(hex(ALARM_REQUEST_PAYLOAD));
    expect(unwrap(decodeAlarmRequest(payload))).toEqual({ alarmIndex: 0 });
    expect(encodeAlarmRequest(0)).toEqual(payload);
  });

  it("shares its 8-byte prefix with the clock broadcast and ends with the index", () => {
    expect(hex(CLOCK_PAYLOAD).subarray(2, 10)).toEqual(SERVICE_PREFIX);
    expect(encodeAlarmRequest(17)).toEqual(hex("00 02 00 00 01 01 00 01 01 00 11"));
    expect(unwrap(decodeAlarmRequest(encodeAlarmRequest(255)))).toEqual({ alarmIndex: 255 });
    expect(() => encodeAlarmRequest(256)).toThrow(/256 is not a u8/);
  });

  it("refuses a missing index or trailing bytes", () => {
    failure(
      decodeAlarmRequest(hex(ALARM_REQUEST_PAYLOAD).subarray(0, 10)),
      PayloadError,
      /alarm index at offset 10 needs 1 byte/,
    );
    failure(
      decodeAlarmRequest(hex(`${ALARM_REQUEST_PAYLOAD} 00`)),
      PayloadError,
      /1 unexpected trailing byte/,
    );
  });
});
