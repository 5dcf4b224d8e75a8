import { describe, expect, it } from "vitest";
import { GatewayState, reasonHeadline, STALE_CONTACT_MS, staleNote } from "../../web/src/gateway-state.js";

describe("staleNote (the overview's note while values may be old)", () => {
  it("is absent while the values are current", () => {
    const state = new GatewayState();
    state.update({ health: "healthy", lastContactAt: 1_000, lastPollAt: 500 });
    expect(staleNote(state.current, state.staleReason(2_000), 2_000)).toBeUndefined();
  });

  it("gives the data's age from the gateway's last complete poll, not when the page received it", () => {
    const state = new GatewayState();
    // The page heard from the gateway a moment ago, but the gateway last read the controller 95 s ago.
    state.update({
      health: "degraded",
      healthReason: "no complete poll for 95 s (expected one every 1 s plus its duration)",
      lastContactAt: 100_000,
      lastPollAt: 5_000,
    });
    const note = staleNote(state.current, state.staleReason(100_000), 100_000);
    expect(note?.state).toBe(
      "Stale: these values may be old — no complete poll for 95 s (expected one every 1 s plus its duration).",
    );
    expect(note?.age).toBe("The gateway last completed a read of the controller's values 1 min 35 s ago.");
    const never = staleNote({ ...state.current, lastPollAt: undefined }, "link down", 100_000);
    expect(never?.age).toBe("The gateway has not reported a complete read of the controller yet.");
  });

  it("keeps the same key while only the numbers in the reason move, so it is announced once", () => {
    const state = new GatewayState();
    state.update({ lastContactAt: 0, lastPollAt: 0 });
    const at = (reason: string, now: number) => staleNote(state.current, reason, now);
    const first = at("no complete poll for 35 s (expected one every 1 s plus its duration)", 40_000);
    const later = at("no complete poll for 45 s (expected one every 1 s plus its duration)", 50_000);
    expect(later?.key).toBe(first?.key);
    expect(later?.age).not.toBe(first?.age);
    expect(at("the gateway does not answer", 50_000)?.key).not.toBe(first?.key);
    expect(state.staleReason(STALE_CONTACT_MS + 1)).toBe("no answer from the gateway for a while");
  });

  it("keeps the same key while only the details after the headline change (a reconnection attempt's error)", () => {
    const state = new GatewayState();
    const note = (reason: string) => staleNote(state.current, reason, 0);
    const notConnected = "Controller not connected (link to sim:// waiting: ";
    const lost = note(`${notConnected}sim:// failed: the simulated RS-485 link was unplugged)`);
    const refused = note(
      `${notConnected}cannot attach to sim://: the simulated RS-485 link is unplugged; retry after it is plugged back in)`,
    );
    expect(lost?.key).toBe("Controller not connected");
    expect(refused?.key).toBe(lost?.key);
    expect(refused?.state).not.toBe(lost?.state);
    // A different state is announced again.
    const discovering = note(
      "Controller connected; discovering parameters (412 regulator parameters so far)",
    );
    expect(discovering?.key).toBe("Controller connected; discovering parameters");
    expect(reasonHeadline("the last poll was incomplete: batch 600-699 timed out")).toBe(
      "the last poll was incomplete",
    );
    expect(reasonHeadline("no complete poll for 95 s (expected one every 1 s plus its duration)")).toBe(
      "no complete poll for # s",
    );
  });
});

describe("GatewayState.healthFrom (health news arrives out of order)", () => {
  it("drops an answer to a request sent before news that was applied already", () => {
    const state = new GatewayState();
    // GET /health is sent; the push about the first reconnection attempt arrives before its answer.
    const request = state.healthTicket();
    state.update(state.healthFrom(state.healthTicket(), "unhealthy", "cannot attach"));
    state.update(state.healthFrom(request, "unhealthy", "link lost"));
    expect(state.current.healthReason).toBe("cannot attach");
    // A request sent after that news is newer than it.
    const next = state.healthTicket();
    state.update(state.healthFrom(next, "healthy", null));
    expect(state.current).toMatchObject({ health: "healthy", healthReason: null });
  });
});
