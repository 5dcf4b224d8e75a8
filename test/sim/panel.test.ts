import { afterEach, describe, expect, it } from "vitest";
import {
  type AlarmRecord,
  Command,
  decodeAlarmRecord,
  decodeClock,
  decodeDeviceTable,
  decodeModifyRequest,
  decodeValue,
  END_OF_ALARMS,
  encodeAlarmRequest,
  encodeIdentity,
  encodeRangeRequest,
  encodeTokenReturn,
  GATEWAY_IDENTITY,
  isServiceFunction,
  ServiceFunction,
  THERMOSTAT_IDENTITY,
} from "../../src/protocol/index.js";
import type { Simulation } from "../../src/sim/simulation.js";
import { quietSimulation, TestClient } from "./helpers.js";

let sim: Simulation | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function start(options: Parameters<typeof quietSimulation>[0] = {}, address = 114) {
  const created = quietSimulation(options);
  sim = created.sim;
  const client = new TestClient(created.sim.attach("gateway"), created.clock, address);
  return { ...created, client };
}

const isGrant =
  (to: number) => (f: { command: number; destination: number; source: number; payload: Buffer }) =>
    f.command === Command.SERVICE &&
    f.source === 100 &&
    f.destination === to &&
    isServiceFunction(f.payload, ServiceFunction.TOKEN_GRANT);

describe("panel alarms (SERVICE 0x0200 → 0xE8)", () => {
  async function readAlarms(client: TestClient): Promise<AlarmRecord[] | "end"[]> {
    const records: (AlarmRecord | "end")[] = [];
    for (let index = 0; index < 10; index++) {
      const reply = await client.request({
        destination: 100,
        command: Command.SERVICE,
        payload: encodeAlarmRequest(index),
      });
      expect(reply?.command).toBe(Command.SERVICE_RESPONSE);
      expect(reply!.payload.length).toBe(15);
      if (reply!.payload.equals(END_OF_ALARMS)) {
        records.push("end");
        break;
      }
      const record = decodeAlarmRecord(reply!.payload);
      if (!record.ok) throw record.error;
      records.push(record.value);
    }
    return records as AlarmRecord[];
  }

  it("serves the history in order, the active alarm without an end date, then an all-0xFF record", async () => {
    const { client, sim: s } = start();
    const records = await readAlarms(client);
    expect(records).toHaveLength(s.panel.alarms.length + 1);
    expect(records.at(-1)).toBe("end");
    expect(records.slice(0, -1)).toEqual(s.panel.alarms);
    expect((records[0] as AlarmRecord).to).toBeUndefined();
    expect(s.panel.stats.alarmReads).toBe(records.length);
  });

  it("serves a history set by the test, and the end record past it", async () => {
    const { client, sim: s } = start();
    const alarm: AlarmRecord = {
      code: 42,
      from: { year: 2026, month: 2, day: 3, hour: 4, minute: 5, second: 6 },
      to: { year: 2026, month: 2, day: 3, hour: 5, minute: 0, second: 0 },
    };
    s.panel.alarms = [alarm];
    expect(await readAlarms(client)).toEqual([alarm, "end"]);
    const far = await client.request({
      destination: 100,
      command: Command.SERVICE,
      payload: encodeAlarmRequest(200),
    });
    expect(far?.payload).toEqual(END_OF_ALARMS);
  });
});

describe("token passing", () => {
  it("grants the token to a registered gateway, stays silent while it holds it, resumes on its return", async () => {
    const { client, clock, sim: s } = start({ panelCycle: true, poller: true, registeredGateways: [114] });
    const grant = await client.waitFor(isGrant(114), 20_000);
    expect(grant).toBeDefined();
    expect(s.panel.tokenHolder).toBe(114);
    const grantedAt = clock.now();
    // While holding the token the gateway owns the bus.
    const reply = await client.request({
      destination: 1,
      command: Command.GET_PARAMS,
      payload: encodeRangeRequest({ count: 100, firstIndex: 100 }),
    });
    expect(reply?.command).toBe(Command.GET_PARAMS_RESPONSE);
    await clock.runFor(1_000);
    const returned = new Promise<number>((resolve) => s.panel.once("token-returned", resolve));
    client.send({ destination: 100, command: Command.SERVICE, payload: encodeTokenReturn() });
    await clock.runFor(10);
    expect(await returned).toBe(114);
    const returnedAt = clock.now();
    expect(s.panel.tokenHolder).toBeUndefined();
    const fromOthers = s.bus.log
      .frames()
      .filter((e) => e.timeMs > grantedAt && e.timeMs < returnedAt - 10 && e.sender !== "gateway");
    // Only the controller's answer to the gateway: no panel traffic, no poller sweep.
    expect(fromOthers.map((e) => [e.sender, e.frame!.destination])).toEqual([["controller", 114]]);
    const next = await client.waitFor((f) => f.source === 100, 5_000);
    expect(next).toBeDefined();
    expect(s.panel.stats).toMatchObject({ tokenGrants: 1, tokenReturns: 1, tokenTimeouts: 0 });
  });

  it("takes the bus back after the return timeout when the gateway keeps the token", async () => {
    const {
      client,
      clock,
      sim: s,
    } = start({
      panelCycle: true,
      registeredGateways: [114],
      tokenReturnTimeoutMs: 3_000,
      tokenGrantIntervalMs: 60_000,
    });
    await client.waitFor(isGrant(114), 20_000);
    const grantedAt = clock.now();
    const timedOut = new Promise<number>((resolve) => s.panel.once("token-timeout", resolve));
    const resumed = await client.waitFor((f) => f.source === 100, 10_000);
    expect(await timedOut).toBe(114);
    expect(resumed).toBeDefined();
    const panelFrames = s.bus.log.frames((f, e) => f.source === 100 && e.timeMs > grantedAt);
    expect(panelFrames[0]!.timeMs - grantedAt).toBeGreaterThanOrEqual(3_000);
    expect(s.panel.tokenHolder).toBeUndefined();
    expect(s.panel.stats.tokenTimeouts).toBe(1);
  });

  it("grants about every tokenGrantIntervalMs, round-robin over registered gateways", async () => {
    const {
      client,
      clock,
      sim: s,
    } = start({
      panelCycle: true,
      registeredGateways: [114, 120],
      tokenReturnTimeoutMs: 500,
    });
    await clock.runFor(45_000);
    const grants = s.bus.log.frames(
      (f) => f.command === Command.SERVICE && isServiceFunction(f.payload, ServiceFunction.TOKEN_GRANT),
    );
    expect(grants.map((e) => e.frame!.destination)).toEqual([114, 120, 114, 120, 114]);
    const gaps = grants.slice(1).map((e, i) => e.timeMs - grants[i]!.timeMs);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(10_000);
      expect(gap).toBeLessThan(10_000 + s.options.panelCycleMs + 1_000);
    }
    expect(client.frames.filter(isGrant(114))).toHaveLength(3);
  });

  it("grants on demand with grantToken()", async () => {
    const { client, sim: s } = start();
    s.panel.grantToken(125);
    s.panel.grantToken(126);
    const first = await client.waitFor(isGrant(125), 1_000);
    expect(first).toBeDefined();
    expect(s.panel.tokenHolder).toBe(125);
    client.send({ source: 125, destination: 100, command: Command.SERVICE, payload: encodeTokenReturn() });
    expect(await client.waitFor(isGrant(126), 1_000)).toBeDefined();
    expect(() => s.panel.grantToken(-1)).toThrow(RangeError);
  });

  it("ignores a token return from anyone but the holder", async () => {
    const { client, clock, sim: s } = start({ tokenReturnTimeoutMs: 2_000 });
    s.panel.grantToken(125);
    await client.waitFor(isGrant(125), 1_000);
    client.send({ source: 126, destination: 100, command: Command.SERVICE, payload: encodeTokenReturn() });
    await clock.runFor(500);
    expect(s.panel.tokenHolder).toBe(125);
  });
});

describe("pollerIgnoresToken: the poller overlapping a token holder", () => {
  /**
   * Holds the token 1 s while reading ten blocks; returns the log between grant and return. No wire
   * delay: the test client, like a gateway, does not sense the carrier, so with wire delay some of
   * its requests would collide with the poller's.
   */
  async function holdTheToken(pollerIgnoresToken: boolean) {
    const {
      client,
      clock,
      sim: s,
    } = start({
      wireDelay: false,
      panelCycle: true,
      poller: true,
      registeredGateways: [114],
      pollerIgnoresToken,
    });
    expect(await client.waitFor(isGrant(114), 20_000)).toBeDefined();
    const grantedAt = clock.now();
    const answers = [];
    for (let block = 0; block < 10; block++) {
      const reply = await client.request({
        destination: 1,
        command: Command.GET_PARAMS,
        payload: encodeRangeRequest({ count: 100, firstIndex: block * 100 }),
      });
      answers.push(reply);
    }
    await clock.runFor(Math.max(0, grantedAt + 1_000 - clock.now()));
    const returnedAt = clock.now();
    client.send({ destination: 100, command: Command.SERVICE, payload: encodeTokenReturn() });
    await clock.runFor(500);
    const during = s.bus.log.entries.filter((e) => e.timeMs >= grantedAt && e.timeMs < returnedAt);
    return { s, answers, during };
  }

  it("is off by default: no poller frame while the gateway holds the token", async () => {
    const { s, during } = await holdTheToken(false);
    expect(during.filter((e) => e.sender === "poller")).toEqual([]);
    expect(s.poller!.stats.requestsDuringGrants).toBe(0);
  });

  it("on: poller requests and controller replies to 0xFFFF land amid the gateway's exchanges", async () => {
    const { s, answers, during } = await holdTheToken(true);
    const poller = during.filter((e) => e.sender === "poller");
    const toPoller = during.filter((e) => e.sender === "controller" && e.frame?.destination === 0xffff);
    expect(poller.length).toBeGreaterThan(15); // more than one sweep while the token was away
    expect(toPoller.length).toBeGreaterThan(15);
    expect(s.poller!.stats.requestsDuringGrants).toBeGreaterThanOrEqual(poller.length);
    // Interleaved: some poller request falls between the gateway's first and last request.
    const gatewayTimes = during.filter((e) => e.sender === "gateway").map((e) => e.timeMs);
    expect(gatewayTimes).toHaveLength(10);
    const amid = poller.filter((e) => e.timeMs > gatewayTimes[0]! && e.timeMs < gatewayTimes.at(-1)!);
    expect(amid.length).toBeGreaterThan(0);
    // The gateway still got its own answers, each for the block it asked.
    answers.forEach((reply, block) => {
      expect(reply?.destination).toBe(114);
      expect(reply?.payload.readUInt16LE(1)).toBe(block * 100);
    });
    // The token came back and the panel resumed: the poller stops overlapping.
    expect(s.panel.stats.tokenReturns).toBe(1);
    expect(s.poller!.tokenAway).toBe(false);
  });
});

describe("gateway registration by scanning IDENTIFY", () => {
  it("registers a gateway that answers a probe in 105–130, then grants it the token", async () => {
    const { client, sim: s } = start({ panelCycle: true, scanAddresses: [195, 120], scanIntervalMs: 0 }, 120);
    // Answer the first probe to our address, as a gateway claiming 120 would.
    let answered = false;
    client.endpoint.on("data", () => {
      const probe = client.frames.find((f) => f.command === Command.IDENTIFY && f.destination === 120);
      if (probe && !answered) {
        answered = true;
        client.send({
          destination: 100,
          command: Command.IDENTIFY_RESPONSE,
          payload: encodeIdentity(GATEWAY_IDENTITY),
        });
      }
    });
    const registered = new Promise<number>((resolve) => s.panel.once("gateway-registered", resolve));
    expect(await client.waitFor(isGrant(120), 60_000)).toBeDefined();
    expect(await registered).toBe(120);
    expect(s.panel.registeredGateways).toEqual([120]);
    // The unanswered target 195 was probed twice, 120 once.
    const probes = s.bus.log.frames(
      (f) => f.command === Command.IDENTIFY && f.source === 100 && f.destination !== 131,
    );
    expect(probes.slice(0, 3).map((e) => e.frame!.destination)).toEqual([195, 195, 120]);
  });

  it("does not register an answer outside the claimable range", async () => {
    const { client, sim: s } = start({ panelCycle: true, scanAddresses: [1], scanIntervalMs: 0 });
    await client.waitFor((f) => f.command === Command.IDENTIFY_RESPONSE && f.source === 1, 20_000);
    expect(s.panel.registeredGateways).toEqual([]);
  });
});

describe("panel cycle", () => {
  it("copies the thermostat's settings into the controller after polling it", async () => {
    const { clock, sim: s } = start({ panelCycle: true });
    s.thermostat.setValue(4, 21.5); // PrDay
    s.thermostat.setValue(1, 1); // WorkMode
    await clock.runFor(3_000);
    expect(s.controller.getValue(288)).toBe(21.5);
    expect(s.controller.getValue(286)).toBe(1);
    const writes = s.bus.log.frames((f) => f.command === Command.MODIFY_PARAM && f.source === 100);
    const indices = writes.map((e) => {
      const request = decodeModifyRequest(e.frame!.payload);
      if (!request.ok) throw request.error;
      expect([request.value.user, request.value.code]).toEqual(["USER-000", "4095"]);
      return request.value.index;
    });
    expect(indices.slice(0, 4)).toEqual([286, 288, 289, 290]);
  });

  it("broadcasts the device table (panel = controller 524, thermostat = its room temperature) and the clock", async () => {
    const { clock, sim: s } = start({ panelCycle: true });
    await clock.runFor(3_000);
    const services = s.bus.log.frames((f) => f.command === Command.SERVICE && f.destination === 0xffff);
    const table = services.find((e) => isServiceFunction(e.frame!.payload, ServiceFunction.DEVICE_TABLE));
    const devices = decodeDeviceTable(table!.frame!.payload);
    if (!devices.ok) throw devices.error;
    expect(devices.value).toEqual([
      { address: 100, temperature: s.controller.getValue(524) },
      { address: 165, temperature: s.thermostat.roomTemperature },
    ]);
    const clockFrame = services.find((e) => isServiceFunction(e.frame!.payload, ServiceFunction.CLOCK));
    const time = decodeClock(clockFrame!.frame!.payload);
    if (!time.ok) throw time.error;
    const date = new Date(2026, 0, 22, 20, 55, 7 + Math.floor(clockFrame!.timeMs / 1000));
    expect(time.value).toMatchObject({
      year: date.getFullYear(),
      month: date.getMonth() + 1,
      day: date.getDate(),
      hour: date.getHours(),
      minute: date.getMinutes(),
      second: date.getSeconds(),
      weekday: 4,
    });
  });

  it("stops granting when fault injection says so", async () => {
    const { clock, sim: s } = start({
      panelCycle: true,
      registeredGateways: [114],
      faults: { tokenGrants: false },
    });
    await clock.runFor(25_000);
    expect(s.bus.log.frames(isGrant(114))).toHaveLength(0);
    expect(s.faults.counts.skippedTokenGrants).toBeGreaterThanOrEqual(2);
    s.faults.resumeTokenGrants();
    await clock.runFor(3_000);
    expect(s.bus.log.frames(isGrant(114))).toHaveLength(1);
  });

  it("pairs a thermostat that answers the 0x2004 beacon from 163 (optional flow)", async () => {
    const { client, clock, sim: s } = start({ panelCycle: true }, 163);
    s.panel.startPairing(10_000);
    const beacon = await client.waitFor(
      (f) => f.command === Command.SERVICE && isServiceFunction(f.payload, ServiceFunction.PAIRING_BEACON),
      5_000,
    );
    expect(beacon).toBeDefined();
    client.send({
      destination: 100,
      command: Command.SERVICE_RESPONSE,
      payload: encodeIdentity(THERMOSTAT_IDENTITY),
    });
    const assignment = await client.waitFor(
      (f) =>
        f.command === Command.SERVICE && isServiceFunction(f.payload, ServiceFunction.ADDRESS_ASSIGNMENT),
      1_000,
    );
    const assigned = assignment!.payload.readUInt16LE(4);
    const paired = new Promise<number>((resolve) => s.panel.once("thermostat-paired", resolve));
    client.send({
      source: assigned,
      destination: 100,
      command: Command.SERVICE_RESPONSE,
      payload: Buffer.from([0, 0]),
    });
    await clock.runFor(50);
    expect(await paired).toBe(assigned);
    expect(s.panel.thermostats).toEqual([assigned]);
    expect(s.panel.pairing).toBe(false);
  });
});

describe("panel space values", () => {
  it("decodes its float temperature exactly", async () => {
    const { client } = start();
    const reply = await client.request({
      destination: 100,
      command: Command.GET_PARAMS,
      payload: encodeRangeRequest({ count: 1, firstIndex: 1 }),
    });
    const value = decodeValue(7, reply!.payload.subarray(4));
    expect(value.ok && value.value).toBe(20.73);
  });
});
