import { describe, expect, it } from "vitest";
import { alarmsPayload, parseSetPayload, statePayload } from "../../src/bridges/mqtt/payload.js";
import { alarmNames as named } from "../../src/catalog/alarm-names.js";
import { TypeCode } from "../../src/protocol/index.js";

describe("MQTT payloads", () => {
  it("writes states raw, like the HTTP API: floats to 2 decimals, 999 kept, NaN and no value as None", () => {
    expect(statePayload(TypeCode.FLOAT, 45.876)).toBe("45.88");
    expect(statePayload(TypeCode.FLOAT, 999)).toBe("999");
    expect(statePayload(TypeCode.FLOAT, Number.NaN)).toBe("None");
    expect(statePayload(TypeCode.FLOAT, undefined)).toBe("None");
    expect(statePayload(TypeCode.UINT32, 4294967295)).toBe("4294967295");
    expect(statePayload(TypeCode.UINT64, 2n ** 63n)).toBe("9223372036854775808");
    expect(statePayload(TypeCode.BOOL, false)).toBe("false");
    expect(statePayload(TypeCode.STRING, "ecoMAX360i")).toBe("ecoMAX360i");
  });

  it("reads set payloads as JSON numbers and booleans, a {value} object, or plain text", () => {
    expect(parseSetPayload(Buffer.from("46"))).toBe(46);
    expect(parseSetPayload(Buffer.from(" 21.5\n"))).toBe(21.5);
    expect(parseSetPayload(Buffer.from("true"))).toBe(true);
    expect(parseSetPayload(Buffer.from('{"value": 3}'))).toBe(3);
    expect(parseSetPayload(Buffer.from("ON"))).toBe("ON");
    expect(parseSetPayload(Buffer.from('"text"'))).toBe('"text"');
    expect(parseSetPayload(Buffer.from(""))).toBe("");
  });

  it("takes plain text as it is for a string parameter, digits and spaces included", () => {
    expect(parseSetPayload(Buffer.from("1008026009"), true)).toBe("1008026009");
    expect(parseSetPayload(Buffer.from("UFH "), true)).toBe("UFH ");
    expect(parseSetPayload(Buffer.from('{"value": "H1"}'), true)).toBe("H1");
    expect(parseSetPayload(Buffer.from("9".repeat(400)))).toBe(Number.POSITIVE_INFINITY);
    expect(parseSetPayload(Buffer.from("9".repeat(400)), true)).toBe("9".repeat(400));
  });

  it("does not parse JSON nested deeper than a command needs (JSON.parse recurses per level)", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    expect(parseSetPayload(Buffer.from(deep))).toBe(deep);
    expect(parseSetPayload(Buffer.from("[".repeat(1_000_000)))).toHaveLength(1_000_000);
    expect(parseSetPayload(Buffer.from('{"value": [[1]]}'))).toEqual([[1]]);
  });

  it("publishes the alarm log as the API does, with the number still active", () => {
    const payload = JSON.parse(
      alarmsPayload([
        { index: 1, code: 148, fromDate: "2026-03-01T10:00:00", toDate: null },
        { index: 0, code: 8, fromDate: "2026-02-01T10:00:00", toDate: "2026-02-01T11:00:00" },
      ]),
    );
    expect(payload).toEqual({
      active: 1,
      alarms: [
        { index: 1, code: 148, from_date: "2026-03-01T10:00:00", to_date: null, ...named(148) },
        { index: 0, code: 8, from_date: "2026-02-01T10:00:00", to_date: "2026-02-01T11:00:00", ...named(8) },
      ],
    });
    expect(payload.alarms[0].name).toBe("Water flow failure");
  });
});
