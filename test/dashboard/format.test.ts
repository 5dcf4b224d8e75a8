import { describe, expect, it } from "vitest";
import { formatDuration, formatRange, formatValue, parseNaiveLocal } from "../../web/src/format.js";
import { isFinal, pendingText, unconfirmedText } from "../../web/src/write-job.js";

describe("format", () => {
  it("writes durations with their two largest units", () => {
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(22 * 60_000 + 34_000)).toBe("22 min 34 s");
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 9_000)).toBe("2 h 5 min");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3 d 4 h");
    expect(formatDuration(-5)).toBe("0 s");
  });

  it("writes values and ranges", () => {
    expect(formatValue(35.5, 7)).toBe("35.5");
    expect(formatValue(1234567, 6)).toBe("1234567");
    expect(formatValue(true, 10)).toBe("on");
    expect(formatValue(null, 7)).toBe("—");
    expect(formatRange(35, 65)).toBe("35 … 65");
    expect(formatRange(null, 5)).toBe("≤ 5");
    expect(formatRange(null, null)).toBe("");
  });

  it("reads the controller's naive timestamps in local time", () => {
    expect(parseNaiveLocal("2026-01-20T07:14:02")).toBe(new Date(2026, 0, 20, 7, 14, 2).getTime());
    expect(parseNaiveLocal("2026-01-20T07:14:02.123000")).toBe(
      new Date(2026, 0, 20, 7, 14, 2, 123).getTime(),
    );
    expect(parseNaiveLocal("yesterday")).toBeNaN();
  });
});

describe("write jobs on the page", () => {
  const job = (over: Partial<Parameters<typeof pendingText>[0]>) => ({
    state: "queued" as const,
    waiting_for: "token" as const,
    expected_send_in_ms: 7_200,
    ...over,
  });

  it("tells what a queued job waits for, and about how long from the grants seen", () => {
    expect(pendingText(job({}))).toBe("Queued: waiting for the bus, ~8 s…");
    expect(pendingText(job({ expected_send_in_ms: 0 }))).toBe("Queued: waiting for the bus, any moment now…");
    expect(pendingText(job({ expected_send_in_ms: null }))).toBe(
      "Queued: waiting for the bus (the next token grant)…",
    );
    expect(pendingText(job({ waiting_for: "link" }))).toBe("Queued: waiting for the bus link to come back…");
    expect(pendingText(job({ waiting_for: "first-poll" }))).toMatch(/first poll/);
    expect(pendingText(job({ state: "sending", waiting_for: null }))).toMatch(/^Sent to the controller/);
  });

  it("tells how a job ended that was not confirmed", () => {
    const ended = { error: null, detail: null, superseded_by: null };
    expect(unconfirmedText({ ...ended, state: "superseded", superseded_by: "x-7" })).toBe(
      "Superseded: a newer write to this parameter (job x-7) came before it was sent; this value was not sent.",
    );
    expect(unconfirmedText({ ...ended, state: "expired", error: "expired", detail: "no grant" })).toBe(
      "Expired: no grant",
    );
    expect(unconfirmedText({ ...ended, state: "failed", error: "rejected", detail: "refused" })).toBe(
      "Failed (rejected): refused",
    );
    expect(isFinal({ state: "queued" })).toBe(false);
    expect(isFinal({ state: "expired" })).toBe(true);
  });
});
