/**
 * The port's one event stream (src/port/events.ts): each event name reaches its handler from the
 * part of the core that raises it, only the handlers given are attached, and the returned function
 * detaches every one of them.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { listen, type PortEventSources } from "../../src/port/index.js";

function sources() {
  const core = new EventEmitter();
  const store = new EventEmitter();
  const writes = new EventEmitter();
  const port = Object.assign(core, { store, writes }) as unknown as PortEventSources;
  const count = () =>
    [core, store, writes].reduce(
      (sum, e) => sum + e.eventNames().reduce((n, name) => n + e.listenerCount(name), 0),
      0,
    );
  return { core, store, writes, port, count };
}

describe("listen (the port's event stream)", () => {
  it("hands each event from its source to the handler of that name", () => {
    const { core, store, writes, port } = sources();
    const seen: string[] = [];
    listen(port, {
      change: (change) => seen.push(`change ${change.index}`),
      pollComplete: (at) => seen.push(`pollComplete ${at}`),
      writeEnded: (job) => seen.push(`writeEnded ${job.id}`),
      writeRefused: (_request, error) => seen.push(`writeRefused ${error.failure}`),
      status: () => seen.push("status"),
      token: ({ holding }) => seen.push(`token ${holding}`),
    });
    store.emit("change", { index: 103 });
    store.emit("pollComplete", 5);
    writes.emit("ended", { id: "w1" });
    writes.emit("refused", {}, { failure: "rate-limited" });
    core.emit("status");
    core.emit("token", { holding: true });
    // Same names on another source are not these events.
    core.emit("change", { index: 1 });
    store.emit("status");
    expect(seen).toEqual([
      "change 103",
      "pollComplete 5",
      "writeEnded w1",
      "writeRefused rate-limited",
      "status",
      "token true",
    ]);
  });

  it("attaches only the handlers given and detaches them all", () => {
    const { store, core, port, count } = sources();
    const detach = listen(port, { definitions: () => {}, alarms: () => {} });
    expect(count()).toBe(2);
    expect(store.listenerCount("definitions")).toBe(1);
    expect(core.listenerCount("alarms")).toBe(1);
    detach();
    expect(count()).toBe(0);
    detach();
    expect(count()).toBe(0);
  });
});
