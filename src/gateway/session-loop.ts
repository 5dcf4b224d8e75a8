/**
 * The work while the link is up, one session per link period: discovery — or, with known
 * descriptors, a check that the controller is still the one they belong to (after a reconnect or a
 * restart from the snapshot) — then a poll every POLL_INTERVAL with the alarm history every Nth
 * cycle. A lost link aborts the session; an unresponsive controller gets the link reopened.
 */
import { cpuUsage } from "node:process";
import { BusError } from "../bus/errors.js";
import { logEvent } from "../log/index.js";
import { readAlarmHistory, sameAlarms } from "./alarms.js";
import { measureBusTime } from "./bus-time.js";
import { checkController } from "./controller-check.js";
import type { CoreParts } from "./core-types.js";
import { discoverSpace } from "./discovery.js";
import { discoveryRetryDelayMs } from "./discovery-retry.js";
import { fingerprintOf, sameFingerprint } from "./fingerprint.js";
import type { GatewayState } from "./gateway-state.js";
import { type PollOutcome, pollSpace } from "./poller.js";
import { Session, SessionAborted } from "./session.js";
import { identityOf, sameIdentity } from "./snapshot.js";

export class SessionLoop {
  private session: Session | undefined;
  private running: Promise<void> | undefined;
  private readonly s: GatewayState;

  constructor(private readonly p: CoreParts) {
    this.s = p.state;
  }

  /** Ends the current session's work at its next step (the link went down, or the core stops). */
  abort(): void {
    this.session?.abort();
    this.session = undefined;
  }

  /** Resolves once the last session's work has ended. */
  async ended(): Promise<void> {
    await this.running?.catch(() => {});
  }

  private busTime() {
    return measureBusTime(this.p.bus, {
      baudRate: this.p.options.baudRate ?? 115_200,
      turnaroundMs: this.p.options.turnaroundMs,
      clock: this.p.clock,
    });
  }

  /** Starts the work for a link that just came up (after the previous session has ended). */
  start(): void {
    this.session?.abort();
    const session = new Session(this.p.clock);
    this.session = session;
    const previous = this.running ?? Promise.resolve();
    this.running = previous
      .catch(() => {})
      .then(() => this.runSession(session))
      .catch((error: unknown) => {
        if (error instanceof SessionAborted) return;
        this.p.log.error({ err: error }, `unexpected error in the bus loop: ${(error as Error).message}`);
      });
  }

  private async runSession(session: Session): Promise<void> {
    let cycle = 0;
    while (!session.aborted) {
      if (this.s.needDiscovery || this.p.store.size === 0) {
        const ok = await this.discover(session);
        if (!ok) {
          this.s.discoveryFailures++;
          await session.sleep(discoveryRetryDelayMs(this.s.discoveryFailures, this.p.options.pollIntervalMs));
          continue;
        }
        this.s.discoveryFailures = 0;
        cycle = 0;
      } else if (this.s.verification === "pending") {
        // Known descriptors: check the controller is the same one, then poll in the same grant.
        const verdict = await this.checkTheController(session);
        if (verdict === "changed") continue;
        if (verdict === "no-answer") {
          await session.sleep(this.p.options.pollIntervalMs);
          continue;
        }
      }
      const alarmsDue = cycle % this.p.options.alarmPollCycles === 0 || this.s.alarmsReadAt === undefined;
      await this.pollOnce(session, alarmsDue);
      session.check();
      cycle++;
      if (!this.s.needDiscovery) await session.sleep(this.p.options.pollIntervalMs);
    }
  }

  /** The cheap recovery check (`controller-check.ts`); a changed controller is rediscovered. */
  private async checkTheController(session: Session): Promise<"same" | "changed" | "no-answer"> {
    const known = this.s.knownIdentity ?? identityOf(this.p.store);
    this.s.check = { ...this.s.check, state: "running" };
    this.p.emit("status");
    const meter = this.busTime();
    let verdict: Awaited<ReturnType<typeof checkController>>;
    try {
      verdict = await checkController(this.p.bus, this.p.store, {
        controllerAddress: this.p.options.controllerAddress,
        panelAddress: this.p.options.panelAddress,
        known,
      });
    } catch (error) {
      meter.finish();
      if (!(error instanceof BusError)) throw error;
      session.check();
      this.s.check = {
        ...this.s.check,
        state: "pending",
        lastAt: this.p.clock.now(),
        lastResult: `no answer: ${error.message}`,
      };
      this.noteUnanswered(error.message, error.reason);
      return "no-answer";
    }
    const figures = meter.finish();
    session.check();
    const at = this.p.clock.now();
    if (verdict.same) {
      this.s.verification = "checked";
      this.s.check = { state: "passed", lastAt: at, lastBusTime: figures, lastResult: "same controller" };
      logEvent(this.p.log, "controller.verified", {
        uid: verdict.identity.uid ?? "?",
        requests: verdict.requests,
        busMs: Math.round(figures.busMs),
        after: this.s.checkCause === "start" ? "the start from the snapshot" : "the reconnect",
      });
      this.p.emit("status");
      return "same";
    }
    this.s.check = { state: "changed", lastAt: at, lastBusTime: figures, lastResult: verdict.reason };
    this.s.controllerChanged(verdict.reason);
    if (verdict.uidChanged) {
      await this.p
        .snapshots()
        ?.discard(
          `the controller on the bus is ${verdict.identity?.uid ?? "another one"}, the saved values are of ${known.uid ?? "another controller"}`,
        );
    }
    this.p.emit("status");
    return "changed";
  }

  /** A check or a poll cycle got no answer at all: after `unresponsiveCycles` of them, reopen the link. */
  private noteUnanswered(detail: string, reason: string): void {
    this.s.poll.consecutiveFailures++;
    this.s.poll.lastError = detail;
    logEvent(this.p.log, "poll.incomplete", {
      cycle: this.s.poll.cycles,
      failedBatches: 1,
      reasons: [reason],
      detail,
    });
    if (this.s.poll.consecutiveFailures >= this.p.options.unresponsiveCycles) {
      logEvent(this.p.log, "controller.unresponsive", { cycles: this.s.poll.consecutiveFailures });
      this.s.poll.consecutiveFailures = 0;
      void this.p.supervisor.restart("the controller stopped answering");
    }
    this.p.emit("status");
  }

  private async discover(session: Session): Promise<boolean> {
    const meter = this.busTime();
    this.s.discovery = { ...this.s.discovery, state: "running", progress: undefined, lastError: undefined };
    this.p.emit("status");
    this.p.log.debug({}, "discovering parameters");
    const common = {
      batchSize: this.p.options.paramsPerRequest,
      attemptsPerIndex: this.p.options.discoveryAttemptsPerIndex,
      onProgress: (p: { space: "regulator" | "panel"; discovered: number }) => {
        this.s.discovery.progress = { space: p.space, discovered: p.discovered };
        this.p.emit("progress", this.s.discovery.progress);
      },
    };
    try {
      const regulator = await discoverSpace(this.p.bus, {
        ...common,
        space: "regulator",
        destination: this.p.options.controllerAddress,
      });
      session.check();
      if (regulator.definitions.length === 0) throw new Error("the controller described no parameters");
      let panel = { definitions: [] as typeof regulator.definitions, batches: 0 };
      try {
        panel = await discoverSpace(this.p.bus, {
          ...common,
          space: "panel",
          destination: this.p.options.panelAddress,
        });
      } catch (error) {
        if (!(error instanceof BusError) || error.reason === "link-down") throw error;
        logEvent(this.p.log, "discovery.failed", {
          reason: `the panel's parameters could not be read (${error.message}); serving the controller's only`,
        });
      }
      session.check();
      const definitions = [...regulator.definitions, ...panel.definitions];
      this.p.store.setDefinitions(definitions);
      const fingerprint = fingerprintOf(definitions);
      if (this.s.catalogue && !sameFingerprint(this.s.catalogue, fingerprint)) {
        this.p.log.info(
          { previous: this.s.catalogue, fingerprint },
          `the parameter catalogue changed: ${this.s.catalogue.regulatorCount}+${this.s.catalogue.panelCount} → ${fingerprint.regulatorCount}+${fingerprint.panelCount} parameters`,
        );
      }
      this.s.catalogue = fingerprint;
      // Time on the bus, not time spent waiting for the panel to grant the token.
      const figures = meter.finish();
      this.s.discovery = {
        state: "complete",
        source: "bus",
        lastCompletedAt: this.p.clock.now(),
        lastDurationMs: figures.busMs,
        lastBusTime: figures,
        regulatorCount: regulator.definitions.length,
        panelCount: panel.definitions.length,
        batches: regulator.batches + panel.batches,
        fingerprint,
        progress: undefined,
        lastError: undefined,
      };
      this.s.needDiscovery = false;
      // The descriptors are the controller's own; its identity is read by the poll that follows.
      this.s.verification = "checked";
      this.s.knownIdentity = undefined;
      logEvent(this.p.log, "discovery.done", {
        count: this.p.store.size,
        seconds: Math.round(figures.busMs / 100) / 10,
        tokenWaitSeconds: Math.round(figures.tokenWaitMs / 100) / 10,
        regulatorCount: regulator.definitions.length,
        panelCount: panel.definitions.length,
      });
      this.p.emit("status");
      return true;
    } catch (error) {
      meter.finish();
      if (error instanceof SessionAborted || session.aborted) throw new SessionAborted();
      const reason = (error as Error).message;
      this.s.discovery = { ...this.s.discovery, state: "failed", progress: undefined, lastError: reason };
      logEvent(this.p.log, "discovery.failed", { reason });
      this.p.emit("status");
      return false;
    }
  }

  /** One poll cycle; when it completes and `alarmsDue`, the alarm log is read before the data is declared ready. */
  private async pollOnce(session: Session, alarmsDue: boolean): Promise<boolean> {
    const cpuBefore = cpuUsage();
    const meter = this.busTime();
    let changed = 0;
    const countChange = () => {
      changed++;
    };
    this.p.store.on("change", countChange);
    let regulator: PollOutcome;
    let panel: PollOutcome = { values: 0, batches: 0, failures: [], missing: 0 };
    try {
      regulator = await pollSpace(this.p.bus, this.p.store, {
        space: "regulator",
        destination: this.p.options.controllerAddress,
        batchSize: this.p.options.paramsPerRequest,
        clock: this.p.clock,
      });
      session.check();
      if (this.p.store.definitionsOf("panel").length > 0) {
        panel = await pollSpace(this.p.bus, this.p.store, {
          space: "panel",
          destination: this.p.options.panelAddress,
          batchSize: this.p.options.paramsPerRequest,
          clock: this.p.clock,
        });
      }
      session.check();
    } catch (error) {
      // The session ended under the poll (a lost link, a stop): its meter stops listening too.
      meter.finish();
      throw error;
    } finally {
      this.p.store.off("change", countChange);
    }
    const failures = [...regulator.failures, ...panel.failures];
    const missing = regulator.missing + panel.missing;
    const cpu = cpuUsage(cpuBefore);
    const figures = meter.finish();
    this.s.poll.lastDurationMs = figures.elapsedMs;
    this.s.poll.lastBusTime = figures;
    this.s.poll.lastCpuMs = (cpu.user + cpu.system) / 1000;
    this.s.poll.cycles++;
    logEvent(this.p.log, "poll.cycle", {
      cycle: this.s.poll.cycles,
      parameters: regulator.values + panel.values,
      changed,
      durationMs: figures.elapsedMs,
      busMs: Math.round(figures.busMs),
      tokenWaitMs: Math.round(figures.tokenWaitMs),
      failedBatches: failures.length,
    });
    if (missing > 0) {
      // Known parameters the devices no longer have: the catalogue shrank (a firmware update).
      this.s.controllerChanged(
        `${missing} known parameters are no longer served (the devices answered NO_DATA)`,
      );
      this.p.emit("status");
      return false;
    }
    if (failures.length > 0) {
      this.s.poll.consecutiveFailures++;
      this.s.poll.lastError = failures.map((f) => f.message).join("; ");
      logEvent(this.p.log, "poll.incomplete", {
        cycle: this.s.poll.cycles,
        failedBatches: failures.length,
        reasons: [...new Set(failures.map((f) => f.reason))],
        detail: this.s.poll.lastError,
      });
      if (this.s.verification !== "verified" && failures.some((f) => f.undecodable)) {
        // Values do not parse with the known descriptors: the firmware may have changed. (Line
        // noise or a broken CRC also make a batch garbled; they say nothing about the firmware.)
        this.s.controllerChanged("the known parameter definitions do not fit the controller's values");
      }
      if (regulator.values === 0 && this.s.poll.consecutiveFailures >= this.p.options.unresponsiveCycles) {
        logEvent(this.p.log, "controller.unresponsive", { cycles: this.s.poll.consecutiveFailures });
        this.s.poll.consecutiveFailures = 0;
        void this.p.supervisor.restart("the controller stopped answering");
      }
      this.p.emit("status");
      return false;
    }
    this.s.poll.consecutiveFailures = 0;
    this.s.poll.lastError = undefined;
    if (!this.identityStillKnown()) {
      this.p.emit("status");
      return false;
    }
    this.p.store.markPollComplete();
    this.s.poll.lastCompletedAt = this.p.store.lastPollAt;
    this.s.verification = "verified";
    this.s.valuesWrong = false;
    // Writes held for the verification may go now, ahead of the alarm read.
    this.p.writeGate.changed();
    // The first time, the alarm log is read before the data is declared ready, so /api/alarms
    // answers whenever /api/parameters does; after a reconnect it has been read before.
    if (this.s.alarmsReadAt !== undefined) this.s.polledSinceConnect = true;
    if (alarmsDue) await this.readAlarms(session);
    this.s.polledSinceConnect = true;
    this.s.dataSource = "bus";
    this.p.emit("status");
    this.p.snapshots()?.maybeSave(this.p.store, this.s.savedAlarms(), this.p.clock.now());
    return true;
  }

  /**
   * After a complete poll: still the controller the definitions belong to (UID 10, software 0,
   * hardware 1)? A swapped or reflashed controller under the same link is rediscovered.
   */
  private identityStillKnown(): boolean {
    const current = identityOf(this.p.store);
    if (this.s.knownIdentity && !sameIdentity(this.s.knownIdentity, current)) {
      this.s.controllerChanged(
        `the controller's identity changed (UID ${this.s.knownIdentity.uid} → ${current.uid}, software ${this.s.knownIdentity.software} → ${current.software})`,
      );
      this.s.knownIdentity = current;
      return false;
    }
    this.s.knownIdentity = current;
    return true;
  }

  private async readAlarms(session: Session): Promise<void> {
    try {
      const alarms = await readAlarmHistory(this.p.bus, { panelAddress: this.p.options.panelAddress });
      session.check();
      this.s.alarmsReadAt = this.p.clock.now();
      if (!sameAlarms(alarms, this.s.alarms)) {
        this.s.alarms = alarms;
        this.p.emit("alarms", alarms);
      }
      logEvent(this.p.log, "alarms.read", {
        count: alarms.length,
        active: alarms.filter((a) => a.toDate === null).length,
      });
    } catch (error) {
      if (!(error instanceof BusError)) throw error;
      // Keep the previous list rather than publishing an empty one.
      logEvent(this.p.log, "alarms.failed", { reason: error.reason, detail: error.message });
    }
  }
}
