/**
 * Bad input through `gm3 set` and `gm3 get` (in process, against a simulator on TCP as a ser2net
 * would be): each is refused with exit 2 and one line saying why — no stack trace — and no
 * MODIFY_PARAM from the CLI reaches the simulated wire (counted on the simulator's bus log). An
 * index spelt another way is refused before the bus is touched at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Command } from "../../src/protocol/index.js";
import { gm3, startTcpSim, type TcpSim } from "../cli/harness.js";
import { EXPERT_TARGETS, P } from "./harness.js";

let bus: TcpSim;

beforeAll(async () => {
  bus = await startTcpSim({ liveValues: false, thermostatCopies: [], presenceWrites: [] });
});
afterAll(async () => {
  await bus?.stop();
});

const modifyFramesFromCli = () =>
  bus.framesFromClients().filter((entry) => entry.frame?.command === Command.MODIFY_PARAM).length;

/** Runs the command and checks: exit 2, one error line, no stack trace, nothing written. */
async function refused(argv: string[], env: Record<string, string> = {}) {
  const before = modifyFramesFromCli();
  const result = await gm3([...argv, "--timeout", "20"], { ...bus.env, ...env });
  expect(result.code, result.stderr).toBe(2);
  const errors = result.stderr.split("\n").filter((line) => line.startsWith(`gm3 ${argv[0]}:`));
  expect(errors, result.stderr).toHaveLength(1);
  expect(result.stderr.trimEnd().split("\n").at(-1)).toBe(errors[0]);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(modifyFramesFromCli(), "MODIFY_PARAM frames from the CLI").toBe(before);
  return { ...result, error: errors[0]! };
}

describe("an index spelt another way: refused before the bus is touched", () => {
  it.each([
    [["set", "0103", "48"], /'0103' is not how an index is written: .* \(103\) — nothing was sent/],
    [["set", "+103", "48"], /'\+103' is not how an index is written/],
    [["set", "103.0", "48"], /'103\.0' is not how an index is written/],
    [["set", "00103", "48"], /'00103' is not how an index is written.*\(103\)/],
    [["get", "0103"], /'0103' is not how an index is written.*\(103\)/],
    [["get", "HDWTSetPoint", "00"], /'00' is not how an index is written.*\(0\)/],
  ])("gm3 %j → exit 2", async (argv, message) => {
    const connections = bus.clients.length;
    const { error } = await refused(argv);
    expect(error).toMatch(message);
    expect(bus.clients.length, "connections to the simulator").toBe(connections);
  });
});

describe("values refused by the write path", () => {
  it.each([
    [
      P.setpoint.name,
      "45.5",
      /HDWTSetPoint is uint8 and takes whole numbers only: 45\.5 .*— nothing was sent/,
    ],
    [P.setpoint.name, "65.9", /65\.9 is not one/],
    [P.userCor.name, "10.5", /Circuit1userCor is int8 and takes whole numbers only/],
    [P.flowDefault.name, "1e-320", /would reach flow_default as 0/],
    [P.pidTime.name, "16777217", /would reach PID_comp\._time as 16777216/],
    [P.setpoint.name, "66", /outside the range of HDWTSetPoint: 35\.\.65/],
    [P.setpoint.name, "NaN", /expected a number, got the string "NaN"/],
    [P.circuitName.name, "x".repeat(1100), /1100 bytes of UTF-8 .*at most 995 bytes fit one write/],
    [P.dhwTemp.name, "40", /TempCWU is read-only/],
    ["factoryReset", "1", /ALLOW_PANEL_WRITES=false/],
  ])("gm3 set %s <%#> → exit 2", async (target, text, message) => {
    const { error } = await refused(["set", target, text]);
    expect(error).toMatch(message);
  });
});

describe("service parameters", () => {
  it.each(EXPERT_TARGETS.slice(0, 5))("gm3 set $name 1 → exit 2 expert-only", async (target) => {
    const { error } = await refused(["set", target.name, "1"]);
    expect(error).toMatch(
      new RegExp(`${target.name} \\(${target.index}\\) is a service parameter .*EXPERT_WRITES=true`),
    );
  });

  it("gm3 set 5 1 (by index) → exit 2 expert-only, --json says so", async () => {
    const { stdout } = await refused(["set", "5", "1", "--json"]);
    expect(JSON.parse(stdout)).toMatchObject({ success: false, error: "expert-only", sent: false });
  });

  it("gm3 set FN <1,100 characters> → exit 2 expert-only (it ended in a stack trace)", async () => {
    const { error } = await refused(["set", "FN", "9".repeat(1100)]);
    expect(error).toMatch(/FN \(9\) is a service parameter/);
  });

  it("gm3 set FN <1,100 characters> with EXPERT_WRITES=true → exit 2 too-long", async () => {
    const { error } = await refused(["set", "FN", "9".repeat(1100)], { EXPERT_WRITES: "true" });
    expect(error).toMatch(/1100 bytes of UTF-8 .*at most 995 bytes fit one write .*— nothing was sent/);
  });
});

describe("after all of it", () => {
  it("a valid gm3 set goes out as exactly one MODIFY_PARAM: the only one of the file", async () => {
    expect(modifyFramesFromCli()).toBe(0);
    const target = Number(bus.sim.getValue(P.setpoint.index)) === 50 ? 51 : 50;
    const { code, stderr } = await gm3(["set", P.setpoint.name, String(target), "--timeout", "20"], bus.env);
    expect(code, stderr).toBe(0);
    expect(bus.sim.getValue(P.setpoint.index)).toBe(target);
    expect(modifyFramesFromCli()).toBe(1);
    expect(bus.sim.bus.log.droppedEntries).toBe(0);
  });
});
