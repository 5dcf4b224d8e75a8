/** `gm3 get` and `gm3 set` against a simulated heat pump reached over TCP. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNAPSHOT_FILE } from "../../src/gateway/snapshot.js";
import { Command } from "../../src/protocol/constants.js";
import { gm3, startTcpSim, type TcpSim } from "./harness.js";

/** HDWTSetPoint: a writable u8 (35..65 in the profile) that nothing in the simulator moves. */
const SETPOINT = { index: 103, name: "HDWTSetPoint", min: 35, max: 65 } as const;
/** TempCWU: a read-only temperature. */
const READ_ONLY_NAME = "TempCWU";

let bus: TcpSim;

beforeAll(async () => {
  bus = await startTcpSim();
});
afterAll(async () => {
  await bus?.stop();
});

const modifyFramesFromCli = () =>
  bus.framesFromClients().filter((entry) => entry.frame?.command === Command.MODIFY_PARAM);

describe("gm3 get", () => {
  it("prints the simulator's values by name and by index, with unit and range", async () => {
    bus.sim.controller.setValue(SETPOINT.index, 47);
    const { code, stdout, stderr } = await gm3(["get", SETPOINT.name, "0", "--timeout", "20"], bus.env);
    expect(stderr).toMatch(/discovered 1447 \+ 423 parameters/);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      `${SETPOINT.name} (${SETPOINT.index}) = 47  [writable ${SETPOINT.min}..${SETPOINT.max}]`,
      `PS (0) = ${JSON.stringify(bus.sim.controller.getValue(0))}`,
    ]);
    // It only reads: nothing the CLI sent changes a value.
    expect(modifyFramesFromCli()).toEqual([]);
    expect(bus.framesFromClients().length).toBeGreaterThan(0);
  });

  it("--json gives an object keyed by the names asked, fresh values (not the snapshot of the last run)", async () => {
    // The first run saved a snapshot with 47; the simulator now holds 44.
    // Kept in the folder of this bus target (tcp://127.0.0.1:<port>).
    const folder = `tcp-127.0.0.1-${new URL(bus.url).port}`;
    expect(existsSync(join(bus.stateDir, "buses", folder, SNAPSHOT_FILE))).toBe(true);
    bus.sim.controller.setValue(SETPOINT.index, 44);
    const { code, stdout } = await gm3(
      ["get", SETPOINT.name, READ_ONLY_NAME, "--json", "--timeout", "20"],
      bus.env,
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(out)).toEqual([SETPOINT.name, READ_ONLY_NAME]);
    expect(out[SETPOINT.name]).toEqual({
      index: SETPOINT.index,
      name: SETPOINT.name,
      value: 44,
      unit: expect.any(String),
      writable: true,
      min: SETPOINT.min,
      max: SETPOINT.max,
    });
    const temperature = out[READ_ONLY_NAME]!;
    expect(temperature.writable).toBe(false);
    expect(temperature.unit).toBe("°C");
    // A live value: it drifts by at most ±0.1 °C per second around the simulator's reading.
    expect(
      Math.abs((temperature.value as number) - (bus.sim.controller.getValue(61) as number)),
    ).toBeLessThan(2);
  });

  it("exits 2 for an unknown name or index, suggesting the name meant and how to list them", async () => {
    const { code, stdout, stderr } = await gm3(["get", "hdwtsetpoint", "99999", "--timeout", "20"], {
      ...bus.env,
      API_PORT: "8123",
    });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    const message = stderr.slice(stderr.indexOf("gm3 get:"));
    expect(message).toMatch(
      /^gm3 get: no parameter named 'hdwtsetpoint' — did you mean 'HDWTSetPoint'\? \(names are case-sensitive; spaces are written as _\); no parameter at index 99999\. /,
    );
    expect(message).toMatch(/curl http:\/\/localhost:8123\/api\/parameters/);
  });

  it("--json prints a JSON error for an unknown name (and exits 2)", async () => {
    const { code, stdout, stderr } = await gm3(["get", "TempCWX", "--json", "--timeout", "20"], bus.env);
    expect(code).toBe(2);
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out).toEqual({
      success: false,
      error: "not-found",
      detail: expect.stringMatching(
        /^no parameter named 'TempCWX' — did you mean 'TempCWU'\?.*\/api\/parameters/,
      ),
      missing: ["TempCWX"],
    });
    expect(stderr).toContain(out.detail as string);
  });
});

describe("gm3 set", () => {
  it("writes a value in range: the simulated controller changes and the CLI reports the confirmation", async () => {
    bus.sim.controller.setValue(SETPOINT.index, 46);
    const { code, stdout, stderr } = await gm3(["set", SETPOINT.name, "52", "--timeout", "20"], bus.env);
    expect(stderr).not.toMatch(/gm3 set:/);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${SETPOINT.name} \\(${SETPOINT.index}\\): 46 → 52 \\(confirmed: `));
    expect(bus.sim.controller.getValue(SETPOINT.index)).toBe(52);
    const accepted = bus.sim.controller.writes.filter((w) => w.index === SETPOINT.index && w.accepted);
    expect(accepted.at(-1)?.value).toBe(52);
  });

  it("--json reports old and new values", async () => {
    bus.sim.controller.setValue(SETPOINT.index, 46);
    const { code, stdout } = await gm3(
      ["set", String(SETPOINT.index), "48", "--json", "--timeout", "20"],
      bus.env,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      success: true,
      state: "confirmed",
      name: SETPOINT.name,
      index: SETPOINT.index,
      old_value: 46,
      new_value: 48,
    });
    expect(bus.sim.controller.getValue(SETPOINT.index)).toBe(48);
  });

  it("refuses an out-of-range value with exit 2 and puts no MODIFY_PARAM on the bus", async () => {
    bus.sim.controller.setValue(SETPOINT.index, 46);
    const before = modifyFramesFromCli().length;
    const { code, stdout, stderr } = await gm3(
      ["set", SETPOINT.name, String(SETPOINT.max + 1), "--json", "--timeout", "20"],
      bus.env,
    );
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ success: false, error: "out-of-range", sent: false });
    expect(stderr).toMatch(/outside the range of HDWTSetPoint: 35\.\.65 — nothing was sent/);
    expect(modifyFramesFromCli()).toHaveLength(before);
    expect(bus.sim.controller.getValue(SETPOINT.index)).toBe(46);
  });

  it("refuses a value of the wrong type with exit 2 and no frame", async () => {
    const before = modifyFramesFromCli().length;
    const { code, stderr } = await gm3(["set", SETPOINT.name, "warm", "--timeout", "20"], bus.env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/gm3 set: .*HDWTSetPoint.*nothing was sent/);
    expect(modifyFramesFromCli()).toHaveLength(before);
  });

  it("refuses a read-only parameter with exit 2 and no frame", async () => {
    const before = modifyFramesFromCli().length;
    const { code, stderr } = await gm3(["set", READ_ONLY_NAME, "20", "--timeout", "20"], bus.env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/gm3 set: .*read-only.*nothing was sent/i);
    expect(modifyFramesFromCli()).toHaveLength(before);
  });
});

describe("an unreachable port", () => {
  it("exits 1 with a message that says what to check", async () => {
    const env = { ...bus.env, SERIAL_PORT: "tcp://127.0.0.1:1" };
    for (const argv of [
      ["get", SETPOINT.name, "--timeout", "1"],
      ["set", SETPOINT.name, "50", "--timeout", "1"],
    ]) {
      const { code, stdout, stderr } = await gm3(argv, env);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/no parameters after 1 s: .*127\.0\.0\.1:1 refused \(is ser2net .* listening/);
    }
  });
});

describe("a serial port that cannot be opened", () => {
  it("a device that does not exist: get and set exit 1 at once with the hint, instead of waiting out --timeout", async () => {
    const env = { ...bus.env, SERIAL_PORT: join(bus.stateDir, "ttyUSB-missing") };
    for (const argv of [
      ["get", SETPOINT.name, "--timeout", "600"],
      ["set", SETPOINT.name, "50", "--timeout", "600"],
    ]) {
      const { code, stdout, stderr } = await gm3(argv, env);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toMatch(
        /gm3 (get|set): cannot open the bus link: serial device .*ttyUSB-missing does not exist — check that the adapter is plugged in/,
      );
      expect(stderr).not.toMatch(/no parameters after/);
    }
  });

  it("a file that is not a serial device: a configuration error (exit 2, one line), nothing opened", async () => {
    const env = { ...bus.env, SERIAL_PORT: "/dev/null" };
    for (const argv of [
      ["get", SETPOINT.name, "--timeout", "600"],
      ["set", SETPOINT.name, "50", "--timeout", "600"],
    ]) {
      const { code, stdout, stderr } = await gm3(argv, env);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(
        /^gm3 (get|set): Invalid configuration: SERIAL_PORT \(from environment variable SERIAL_PORT\): \/dev\/null is not a serial device \(.*\); SERIAL_PORT must be a tty such as \/dev\/ttyUSB0, or tcp:\/\/host:port for ser2net\.\n$/,
      );
    }
  });
});
