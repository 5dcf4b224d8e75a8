/**
 * The gateway core against the simulator at the field's cadence, on one virtual clock.
 *
 * What runs: the real simulator with its default options — the field's rhythm (panel cycle, token
 * grant every ~10 s, scans, broadcasts, the 0xFFFF poller, bytes taking their time on the wire at
 * the baud rate) — and a `GatewayCore` built from the gateway's real defaults, exactly as
 * `gm3 serve` builds it (`coreOptionsFromConfig` over the configuration schema's defaults), with
 * nothing shortened: POLL_INTERVAL 10 s, SERIAL_TIMEOUT 2 s, WRITE_WAIT 8 s, WRITE_DEADLINE 60 s, reconnect back-off
 * from 1 s, and so on. Both run on one `VirtualClock`: nothing happens until the test drives the
 * clock, and then minutes of bus time pass in a second or two of wall time, with every timer of the
 * simulator and of the gateway firing in simulated-time order.
 *
 * What a test may choose: simulator options that describe the installation or inject faults
 * (`sim`), settings in environment form (`env`, as a user would set them), a state directory, a
 * logger. The gateway starts pre-registered with the panel (`registeredGateways` and
 * GM3_SOURCE_ADDRESS=114), like a gateway whose claimed address was persisted — a legitimate
 * starting state, not a shortened interval; pass `env: { GM3_SOURCE_ADDRESS: "auto" }` and
 * `sim: { registeredGateways: [] }` to test the claim itself.
 *
 * How a test waits: never with wall-clock sleeps. `runUntil(condition, what, budgetMs)` runs
 * simulated time until the condition holds and fails the test, naming `what`, when the budget of
 * simulated time runs out; `settle(promise, what, budgetMs)` drives the clock until a promise
 * (a write whose answer needs the next grant, a stop) settles; `runFor(ms)` lets simulated time
 * pass, which is how a test shows that something did *not* happen within a given time.
 * `nextGrant()` runs until the panel next grants the gateway the token.
 *
 * GM3_FIELD_TIME=1 prints, at each stop, how much simulated time the gateway ran and in how much
 * wall time.
 *
 * Files: while the gateway reads or writes its state directory, `runUntil`, `settle` and `runFor` hold
 * simulated time still until the file operation is done (real I/O takes real time; the virtual
 * clock would otherwise run on meanwhile). Other real I/O (sockets) is not waited for.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { coreOptionsFromConfig } from "../../src/app/core-options.js";
import { type GatewayConfig, loadConfig } from "../../src/config/index.js";
import { GatewayCore } from "../../src/gateway/core.js";
import type { Logger } from "../../src/log/index.js";
import { type BusLogEntry, Simulation, type SimulationOptions, VirtualClock } from "../../src/sim/index.js";
import type { LinkKind } from "../../src/transport/link.js";
import { gatewayClockOn } from "./gateway-clock.js";

export const FIELD_GATEWAY_ADDRESS = 114;

/** Simulated time a start may take: a discovery waits for a grant, then a poll for the next ones. */
const DEFAULT_DATA_BUDGET_MS = 120_000;

export interface FieldGatewayOptions {
  /** Options of the installation or faults; the timing options stay at their (field) defaults. */
  sim?: Partial<Omit<SimulationOptions, "clock">>;
  /** Gateway settings in environment form (READ_ONLY, ALLOW_PANEL_WRITES, GM3_SOURCE_ADDRESS, …). */
  env?: Record<string, string>;
  logger?: Logger;
  /** Keep the address and the snapshot in a new temporary directory (true) or in this one. */
  useStateDir?: boolean | string;
  /** Run until discovery and the first poll are done (default true). */
  waitForData?: boolean;
  /** Simulated time the start may take (default 120 s). */
  dataBudgetMs?: number;
  /**
   * The simulated wire presented as another bus target (a serial adapter, a TCP address): the link
   * still attaches to the simulator, but the gateway keeps its state as for that target. Describes
   * "the same STATE_DIR, now pointed at another bus".
   */
  linkAs?: { kind: LinkKind; target: string };
  /**
   * Runs after the simulator started and before the core starts, e.g. to unplug the link so the
   * gateway starts without one (`sim.faults.unplug(ms)`).
   */
  beforeStart?: (sim: Simulation) => void;
  /**
   * Wall-clock date at simulated time 0 (default: the VirtualClock's). A restart on a state
   * directory passes the previous run's `clock.date()`, so its snapshot is not from the future.
   */
  startDate?: Date;
}

export interface FieldGateway {
  sim: Simulation;
  core: GatewayCore;
  clock: VirtualClock;
  config: GatewayConfig;
  stateDir: string | undefined;
  /** Frames the gateway put on the wire (from its bus address). */
  gatewayFrames(): BusLogEntry[];
  /** Token grants the panel sent to the gateway so far (counted by the simulated panel). */
  grantsToGateway(): number;
  /** Runs simulated time until `condition` holds; throws naming `what` when `budgetMs` runs out. */
  runUntil(condition: () => boolean, what: string, budgetMs: number): Promise<void>;
  /** Runs simulated time until `promise` settles (within `budgetMs`), then returns its result. */
  settle<T>(promise: Promise<T>, what: string, budgetMs: number): Promise<T>;
  /** Lets `ms` of simulated time pass. */
  runFor(ms: number): Promise<void>;
  /** Runs until the panel grants the gateway the token once more (within two grant intervals). */
  nextGrant(): Promise<void>;
  /** Stops the core (driving the clock while it returns the token), then the simulator. */
  stop(): Promise<void>;
}

/**
 * The gateway's configuration: the schema's defaults, then `env`, as `gm3 serve` would load it
 * (relative paths from `/`: a caller that builds a core from it sets STATE_DIR or `stateDir`).
 */
export function fieldConfig(env: Record<string, string> = {}): GatewayConfig {
  return loadConfig({
    env: { GM3_SOURCE_ADDRESS: String(FIELD_GATEWAY_ADDRESS), ...env },
    cwd: "/",
    pathExists: () => false,
  }).config;
}

/**
 * Whether a file system operation is under way (the state directory: address, snapshot). The
 * virtual clock does not wait for real I/O by itself: without this, minutes of simulated time could
 * pass while a snapshot is written.
 */
function fileOperationsPending(): boolean {
  return process.getActiveResourcesInfo().some((resource) => resource.startsWith("FSReq"));
}

export async function startFieldGateway(options: FieldGatewayOptions = {}): Promise<FieldGateway> {
  const clock = new VirtualClock({ startDate: options.startDate });
  const sim = new Simulation({
    registeredGateways: [FIELD_GATEWAY_ADDRESS],
    ...options.sim,
    clock,
  });
  let stateDir: string | undefined;
  let ownStateDir = false;
  if (typeof options.useStateDir === "string") stateDir = options.useStateDir;
  else if (options.useStateDir) {
    stateDir = await mkdtemp(join(tmpdir(), "gm3-field-"));
    ownStateDir = true;
  }
  const config = fieldConfig(options.env);
  const coreOptions = coreOptionsFromConfig(config, {
    logger: options.logger ?? pino({ level: "silent" }),
    attachSimulator: () => sim.attach("gateway"),
  });
  const core = new GatewayCore({
    ...coreOptions,
    link: { ...coreOptions.link, ...options.linkAs },
    simulator: options.linkAs ? options.linkAs.kind === "sim" : coreOptions.simulator,
    stateDir,
    clock: gatewayClockOn(clock),
  });

  const runUntil = async (condition: () => boolean, what: string, budgetMs: number) => {
    const started = clock.now();
    const end = started + budgetMs;
    for (;;) {
      let waitingForFiles = false;
      await clock.runUntil(() => {
        if (condition()) return true;
        waitingForFiles = fileOperationsPending();
        return waitingForFiles;
      }, end - clock.now());
      if (condition()) return;
      if (!waitingForFiles) break;
      // Simulated time stands still while the gateway reads or writes its state directory.
      while (fileOperationsPending()) await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(
      `${what}: not within ${budgetMs / 1000} s of simulated time (from t=${(started / 1000).toFixed(1)} s)`,
    );
  };
  const settle = async <T>(promise: Promise<T>, what: string, budgetMs: number): Promise<T> => {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await runUntil(() => settled, what, budgetMs);
    return promise;
  };
  let grants = 0;
  sim.panel.on("token-granted", (address) => {
    if (address === core.address.address) grants++;
  });

  let stopped = false;
  const wallStarted = performance.now();
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (process.env.GM3_FIELD_TIME) {
      const wallMs = Math.round(performance.now() - wallStarted);
      console.log(`field gateway: ${(clock.now() / 1000).toFixed(1)} s simulated in ${wallMs} ms`);
    }
    try {
      await settle(core.stop(), "the core's stop", 30_000);
    } finally {
      await sim.stop();
      if (ownStateDir && stateDir) await rm(stateDir, { recursive: true, force: true });
    }
  };

  sim.start();
  options.beforeStart?.(sim);
  await core.start();
  try {
    if (options.waitForData !== false) {
      await runUntil(
        () => core.dataReady(),
        "discovery and a first complete poll",
        options.dataBudgetMs ?? DEFAULT_DATA_BUDGET_MS,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    sim,
    core,
    clock,
    config,
    stateDir,
    gatewayFrames: () => sim.bus.log.frames((f) => f.source === core.address.address),
    grantsToGateway: () => grants,
    runUntil,
    settle,
    runFor: async (ms) => {
      // Through runUntil, so simulated time stands still while the gateway's files are written.
      const target = clock.now() + ms;
      await runUntil(() => clock.now() >= target, `${ms / 1000} s of simulated time`, ms);
    },
    nextGrant: async () => {
      // Counted where the gateway sees it, so the grant has been handled when this returns.
      const before = core.bus.stats.tokenGrants;
      await runUntil(
        () => core.bus.stats.tokenGrants > before,
        "the next token grant",
        2 * sim.options.tokenGrantIntervalMs,
      );
    },
    stop,
  };
}

/** A value inside the parameter's range that differs from what the simulated controller holds. */
export function valueOtherThanHeld(g: Pick<FieldGateway, "sim" | "core">, index: number): number {
  const current = g.sim.controller.getValue(index) as number;
  const { min, max } = g.core.store.limitsOf(g.core.store.get(index)!);
  return current + 1 <= (max ?? current + 1) || current - 1 < (min ?? current - 1)
    ? current + 1
    : current - 1;
}
