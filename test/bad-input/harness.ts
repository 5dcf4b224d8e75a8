/**
 * Shared by the bad-input suites: counting what reached the simulated wire (on the simulator's own
 * bus log, never on the gateway's metrics), raw HTTP for requests no client library would send,
 * and the values and parameters the suites aim at.
 */
import { connect } from "node:net";
import { expect } from "vitest";
import { Command } from "../../src/protocol/index.js";
import type { Simulation } from "../../src/sim/index.js";

/** Parameters of the ecoMAX360i profile the cases aim at (HA-COMPAT.md §11, the dump). */
export const P = {
  /** uint8, limits 35..65 (referenced 107/108). */
  setpoint: { index: 103, name: "HDWTSetPoint" },
  /** int8, −10..10. */
  userCor: { index: 280, name: "Circuit1userCor" },
  /** uint32 without limits (a schedule word). */
  schedule: { index: 120, name: "HDWSundayAM" },
  /** float, 10..35. */
  comfort: { index: 238, name: "Circuit1ComfortTemp" },
  /** float, 0..40: 1e-320 would be written as 0, inside the range. */
  flowDefault: { index: 455, name: "flow_default" },
  /** float without limits. */
  pidTime: { index: 1062, name: "PID_comp._time" },
  /** Writable strings. */
  circuitName: { index: 278, name: "Circuit1name" },
  ssid: { index: 377, name: "SSID" },
  /** A read-only float. */
  dhwTemp: { index: 61, name: "TempCWU" },
  /** The heat pump's reboot button (HA-COMPAT.md §11.3): writable, not gated. */
  reboot: { index: 1369, name: "AXEN_REGISTER_2150_RW-reboot_unit" },
} as const;

/** Service parameters of the expert gate that the suites write to (all regulator, all writable). */
export const EXPERT_TARGETS = [
  { index: 5, name: "FactorySetup" },
  { index: 6, name: "RTCSet" },
  { index: 7, name: "FlashsaveParams" },
  { index: 8, name: "FlasherasePArams" },
  { index: 16, name: "TesterModuleKey" },
  { index: 593, name: "Circuit1DefaultSett" },
  { index: 920, name: "ereaseEnergy" },
  { index: 1101, name: "Count_time_elements_erase" },
  { index: 172, name: "ManualControl" },
] as const;

/** `[[[…depth…]]]` */
export const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

/** MODIFY_PARAM frames the gateway (at `address()`) put on the simulated wire, from the sim's log. */
export class Wire {
  constructor(
    private readonly sim: Simulation,
    private readonly address: () => number | undefined,
  ) {}

  modifyFrames(): number {
    const own = this.address();
    return this.sim.bus.log.frames((frame) => frame.command === Command.MODIFY_PARAM && frame.source === own)
      .length;
  }

  /** Runs `act` and checks that no MODIFY_PARAM went out meanwhile. */
  async nothingSent<T>(what: string, act: () => Promise<T>): Promise<T> {
    const before = this.modifyFrames();
    const result = await act();
    expect(this.modifyFrames(), `MODIFY_PARAM frames on the wire after ${what}`).toBe(before);
    return result;
  }

  /** The log kept every entry (nothing was dropped), so the counts above are complete. */
  expectComplete(): void {
    expect(this.sim.bus.log.droppedEntries).toBe(0);
  }
}

export interface RawResponse {
  statusLine: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `request` as bytes to 127.0.0.1:`port` and returns the answer once the server has closed
 * the connection (every raw request says `Connection: close`, and parse errors close it too).
 * Bounded: fails after `timeoutMs` instead of waiting for ever.
 */
export function rawHttp(port: number, request: string, timeoutMs = 5_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request, "latin1"));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${request.slice(0, 60)}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const head = split === -1 ? text : text.slice(0, split);
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        statusLine,
        status: Number(statusLine.split(" ")[1]),
        headers,
        body: split === -1 ? "" : text.slice(split + 4),
      });
    });
  });
}

/** An error body: exactly `error` and `detail`, both strings. */
export function expectErrorShape(body: unknown, what: string): { error: string; detail: string } {
  expect(body, what).toBeTypeOf("object");
  expect(Object.keys(body as object).sort(), what).toEqual(["detail", "error"]);
  const { error, detail } = body as { error: unknown; detail: unknown };
  expect(error, what).toBeTypeOf("string");
  expect(detail, what).toBeTypeOf("string");
  expect((detail as string).length, what).toBeGreaterThan(0);
  return { error: error as string, detail: detail as string };
}
