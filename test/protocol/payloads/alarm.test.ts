import { describe, expect, it } from "vitest";
import {
  ALARM_RECORD_LENGTH,
  type AlarmRecord,
  decodeAlarmRecord,
  END_OF_ALARMS,
  encodeAlarmRecord,
  formatAlarmDate,
} from "../../../src/protocol/payloads/alarm.js";
import { PayloadError } from "../../../src/protocol/payloads/reader.js";
import { hex } from "../vectors.js";
import { failure, unwrap } from "./helpers.js";

describe("the 15-byte alarm record (PROTOCOL.md §16.4)", () => {
  const finished = "07 ea 07 01 16 14 37 07 ea 07 01 16 15 00 1e";
  const active = "2a e9 07 0c 1f 17 3b 3b ff ff ff ff ff ff ff";

  it("decodes a finished alarm: code, from-date and to-date (year i16 LE, month, day, hour, minute, second)", () => {
    const record = unwrap(decodeAlarmRecord(hex(finished)));
    expect(record).toEqual<AlarmRecord>({
      code: 7,
      from: { year: 2026, month: 1, day: 22, hour: 20, minute: 55, second: 7 },
      to: { year: 2026, month: 1, day: 22, hour: 21, minute: 0, second: 30 },
    });
    expect(encodeAlarmRecord(record)).toEqual(hex(finished));
    expect(formatAlarmDate(record.from!)).toBe("2026-01-22T20:55:07");
  });

  it("decodes an active alarm: a to-date of all 0xFF", () => {
    const record = unwrap(decodeAlarmRecord(hex(active)));
    expect(record).toEqual<AlarmRecord>({
      code: 42,
      from: { year: 2025, month: 12, day: 31, hour: 23, minute: 59, second: 59 },
      to: undefined,
    });
    expect(encodeAlarmRecord(record)).toEqual(hex(active));
  });

  it("reads an all-0xFF record as the end of the list", () => {
    expect(END_OF_ALARMS.length).toBe(ALARM_RECORD_LENGTH);
    const record = unwrap(decodeAlarmRecord(END_OF_ALARMS));
    expect(record).toEqual({ code: 255, from: undefined, to: undefined });
    expect(encodeAlarmRecord(record)).toEqual(END_OF_ALARMS);
  });

  it.each([
    ["year 0", "00 00 01 01 00 00 00"],
    ["month 0", "ea 07 00 01 00 00 00"],
    ["month 13", "ea 07 0d 01 00 00 00"],
    ["day 0", "ea 07 01 00 00 00 00"],
    ["day 32", "ea 07 01 20 00 00 00"],
    ["hour 24", "ea 07 01 01 18 00 00"],
    ["minute 60", "ea 07 01 01 00 3c 00"],
    ["second 60", "ea 07 01 01 00 00 3c"],
  ])("treats an invalid from-date (%s) as the end of the list", (_what, date) => {
    const record = unwrap(decodeAlarmRecord(hex(`01 ${date} ff ff ff ff ff ff ff`)));
    expect(record.from).toBeUndefined();
    const invalidTo = unwrap(decodeAlarmRecord(hex(`01 ea 07 01 01 00 00 00 ${date}`)));
    expect(invalidTo.to).toBeUndefined();
  });

  it("reads only the first 15 bytes of a longer reply", () => {
    expect(unwrap(decodeAlarmRecord(hex(`${finished} 00 11 22`)))).toEqual(
      unwrap(decodeAlarmRecord(hex(finished))),
    );
  });

  it("refuses a reply shorter than a record", () => {
    failure(
      decodeAlarmRecord(hex(finished).subarray(0, 14)),
      PayloadError,
      /alarm record: to-date at offset 8 needs 7 byte\(s\), 6 left/,
    );
  });
});
