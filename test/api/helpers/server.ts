/** Builds the API on a FakeCore with a small, representative parameter set. */
import type { FastifyInstance } from "fastify";
import pino from "pino";
import { createApiServer } from "../../../src/bridges/http/index.js";
import { type GatewayConfig, loadConfig } from "../../../src/config/index.js";
import type { Logger } from "../../../src/log/index.js";
import type { ThermostatPort } from "../../../src/port/index.js";
import { definition, FakeCore } from "./fake-core.js";

export function testConfig(env: Record<string, string> = {}): GatewayConfig {
  return loadConfig({ env, cwd: "/", pathExists: () => false }).config;
}

/** UID (string), TempCWU (float), HDWTSetPoint (uint8, limits by reference), a uint32 schedule, … */
export function fillStore(core: FakeCore, at = Date.now()): void {
  core.store.setDefinitions([
    definition("regulator", 0, "PS", 0x1c),
    definition("regulator", 10, "UID", 0x1c),
    definition("regulator", 31, "TempZewn", 0x17),
    definition("regulator", 61, "TempCWU", 0x17, {}, "C"),
    definition("regulator", 62, "TempBuforUp", 0x17),
    definition("regulator", 75, "", 0x14),
    definition("regulator", 103, "HDWTSetPoint", 0x34, {
      min: { kind: "reference", index: 107 },
      max: { kind: "reference", index: 108 },
    }),
    definition("regulator", 107, "HDWMinSetTemp", 0x34),
    definition("regulator", 108, "HDWMaxSetTemp", 0x34),
    definition("regulator", 120, "HDWSundayAM", 0x36),
    definition("regulator", 280, "Circuit1userCor", 0x31, {
      min: { kind: "literal", value: -10 },
      max: { kind: "literal", value: 10 },
    }),
    definition("regulator", 373, "UID", 0x1c),
    definition("regulator", 1348, "PumpSynced", 0x1a),
    definition("regulator", 1400, "Rtc CV", 0x14),
    definition("panel", 10, "PS", 0x3c),
  ]);
  const values: [number, string | number | boolean | bigint][] = [
    [0, "S024.25"],
    [10, "2L7SDPN6KQ38CIH2401K01U"],
    [31, 999],
    [61, 45.904998779296875],
    [62, Number.NaN],
    [75, 3],
    [103, 46],
    [107, 35],
    [108, 65],
    [120, 4294967295],
    [280, -3],
    [373, "OTHER"],
    [1348, false],
    [1400, 7],
    [10010, "S024.22"],
  ];
  for (const [index, value] of values) core.store.setValue(index, value, 0, at);
  core.store.markPollComplete(at);
}

export interface TestServer {
  app: FastifyInstance;
  core: FakeCore;
  close(): Promise<void>;
}

export async function fakeServer(
  options: {
    env?: Record<string, string>;
    thermostat?: ThermostatPort;
    fill?: boolean;
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const config = testConfig(options.env);
  const core = new FakeCore({ writeRateLimitPerMinute: config.apiWriteRateLimitPerMinute });
  if (options.fill !== false) fillStore(core);
  const app = await createApiServer({
    core,
    config,
    logger: options.logger ?? pino({ level: "silent" }),
    version: "9.9.9-test",
    thermostat: options.thermostat,
  });
  await app.ready();
  return { app, core, close: () => app.close() };
}
