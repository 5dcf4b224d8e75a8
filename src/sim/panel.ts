/**
 * The simulated room panel (address 100), the bus master (PROTOCOL.md §10.3, §11, §16, §21).
 *
 * It serves its own parameter space (0x01 → 0x81 without range, 0x40 → 0xC0, NO_DATA past the end)
 * and alarm reads (SERVICE 0x0200 → 0xE8 15-byte records, an all-0xFF record after the last), and
 * runs the bus cycle, every `cycleMs`:
 *
 * 1. IDENTIFY to each known address — the first (131) cues the 0xFFFF poller's sweep;
 * 2. waits until the bus has been quiet for `quietGapMs` (the sweep is over);
 * 3. when due (`tokenGrantIntervalMs`) and a gateway is registered: waits for quiet, grants the token
 *    (SERVICE 0x0801) and transmits nothing until the holder returns it (0x0800) or
 *    `tokenReturnTimeoutMs` passes — then it takes the bus back;
 * 4. one activity: the thermostat poll when due (GET_PARAMS ff 00 00 and ff 23 00, then writes of
 *    its work mode, day/night presets and hysteresis into the controller, 286/288/289/290), else a
 *    scanning IDENTIFY pair when due (a gateway answering in 105–130 gets registered), followed by the
 *    device-presence writes 403/404/406/405 when due;
 * 5. the clock (0x0023) and device-table (0x2001) broadcasts when due.
 *
 * Pairing (optional, PROTOCOL.md §17.5): {@link SimPanel.startPairing} sends 0x2004 beacons; a
 * thermostat answering 0xE8 from 163 is assigned a free address with 0x2005. Every
 * `pairingProbeEvery` beacons it also probes one free address of 160–199 with IDENTIFY (the
 * tentative-claim path). Either answer must equal a real ecoSTER_40's identity byte for byte
 * (`thermostatIdentity`); any difference is counted as a rejection and the panel reads again
 * (keeps beaconing / probes on), as the field reports. Paired thermostats are polled like the wired
 * one, every `thermostatPollIntervalMs` each.
 */
import {
  type AlarmRecord,
  BROADCAST_ADDRESS,
  Command,
  clockFromDate,
  decodeAlarmRequest,
  decodeGetParamsResponse,
  decodeService,
  END_OF_ALARMS,
  ecosterTypeOf,
  encodeAddressAssignment,
  encodeAlarmRecord,
  encodeClock,
  encodeDeviceTable,
  encodeModifyRequest,
  encodePairingBeacon,
  encodeRangeRequest,
  encodeTokenGrant,
  encodeValue,
  type FramedFrame,
  type ParameterValue,
  ServiceFunction,
  THERMOSTAT_PAIRING_ADDRESS,
  WriteAuth,
} from "../protocol/index.js";
import { type DeviceContext, SimDevice } from "./device.js";
import { identityMismatchAt } from "./ecoster-identity.js";
import { ParameterSpace, type ResponseCap } from "./parameter-space.js";
import type { SimParameter } from "./profile/format.js";
import { ThermostatIndex } from "./thermostat.js";

/** A thermostat reading the panel copies into a controller parameter. */
export interface ThermostatCopy {
  /** Thermostat wire index. */
  from: number;
  /** Controller index. */
  to: number;
}

export interface PresenceWrite {
  index: number;
  value: number;
}

export interface PanelOptions {
  address: number;
  replyLatencyMs: number;
  controllerAddress: number;
  /** The wired ecoSTER; undefined: none on the bus. */
  thermostatAddress: number | undefined;
  /** While pairing, free addresses of this range are probed with IDENTIFY (§17.5 step 4). */
  thermostatClaimRange: { first: number; last: number };
  /** Probe one such address every this many beacons (0: never). */
  pairingProbeEvery: number;
  /** What a thermostat must answer when it pairs, byte for byte (a real ecoSTER_40's identity). */
  thermostatIdentity: Buffer;
  /** Each complete poll of a thermostat: its values by wire index. */
  onThermostatReading?: (address: number, readings: ReadonlyMap<number, ParameterValue>) => void;
  /** The thermostat whose settings are copied into the circuit (`thermostatCopies`); default: the wired one. */
  circuitThermostat?: () => number | undefined;
  /** False: no cycle; the panel only answers requests and manual token grants. */
  runCycle: boolean;
  cycleMs: number;
  quietGapMs: number;
  knownAddresses: readonly number[];
  scanAddresses: readonly number[];
  scanIntervalMs: number;
  identifyTimeoutMs: number;
  replyTimeoutMs: number;
  tokenGrantIntervalMs: number;
  tokenReturnTimeoutMs: number;
  deviceTableIntervalMs: number;
  clockIntervalMs: number;
  thermostatPollIntervalMs: number;
  presenceWriteIntervalMs: number;
  registeredGateways: readonly number[];
  claimRange: { first: number; last: number };
  valueCap: ResponseCap;
  descriptorCap: ResponseCap;
  alarms: readonly AlarmRecord[];
  thermostatCopies: readonly ThermostatCopy[];
  presenceWrites: readonly PresenceWrite[];
  pairingBeaconIntervalMs: number;
  /** The panel's own room temperature for the device table (controller parameter 524 here). */
  roomTemperature: () => number;
  /** Type code of a controller index, to encode the writes it sends there. */
  controllerTypeOf: (index: number) => number | undefined;
}

export interface PanelStats {
  cycles: number;
  tokenGrants: number;
  tokenReturns: number;
  tokenTimeouts: number;
  scans: number;
  registrations: number;
  thermostatPolls: number;
  /** Polls answered with all values and the closing NO_DATA. */
  thermostatPollsAnswered: number;
  /** Polls with a missing, late or unparseable answer. */
  thermostatPollsFailed: number;
  /** Pairing answers whose identity differed from a real ecoSTER_40's. */
  identityRejections: number;
  alarmReads: number;
  controllerWrites: number;
}

export interface PanelEvents {
  cycle: [number: number];
  "token-granted": [address: number];
  "token-returned": [address: number];
  "token-timeout": [address: number];
  "gateway-registered": [address: number];
  "thermostat-paired": [address: number];
  /** A thermostat's identity differed from the reference at byte `offset`. */
  "thermostat-rejected": [address: number, offset: number];
  "thermostat-polled": [address: number, answered: boolean];
}

type Step = (next: () => void) => void;

export class SimPanel extends SimDevice<PanelEvents> {
  readonly space: ParameterSpace;
  readonly stats: PanelStats = {
    cycles: 0,
    tokenGrants: 0,
    tokenReturns: 0,
    tokenTimeouts: 0,
    scans: 0,
    registrations: 0,
    thermostatPolls: 0,
    thermostatPollsAnswered: 0,
    thermostatPollsFailed: 0,
    identityRejections: 0,
    alarmReads: 0,
    controllerWrites: 0,
  };
  private alarmHistory: AlarmRecord[];
  private readonly registered: number[];
  private holder: number | undefined;
  private tokenReturned: (() => void) | undefined;
  private steps: Step[] = [];
  private stepping = false;
  private cycleStartedAt = Number.NEGATIVE_INFINITY;
  private cycleTimer: ReturnType<SimDevice["after"]> | undefined;
  private cancelQuiet: (() => void) | undefined;
  private last = {
    grant: Number.NEGATIVE_INFINITY,
    deviceTable: Number.NEGATIVE_INFINITY,
    clock: Number.NEGATIVE_INFINITY,
    scan: Number.NEGATIVE_INFINITY,
    presence: Number.NEGATIVE_INFINITY,
  };
  private nextGrant = 0;
  private scanPosition = 0;
  private readonly thermostatReadings = new Map<number, Map<number, ParameterValue>>();
  private readonly thermostatPolledAt = new Map<number, number>();
  private pairingUntil = Number.NEGATIVE_INFINITY;
  private beacons = 0;
  private probePosition = 0;
  private readonly pairedThermostats: number[] = [];

  constructor(
    context: DeviceContext,
    parameters: readonly SimParameter[],
    private readonly options: PanelOptions,
  ) {
    super("panel", options.address, context, options.replyLatencyMs);
    this.space = new ParameterSpace("panel", parameters);
    this.alarmHistory = [...options.alarms];
    this.registered = [...new Set(options.registeredGateways)];
  }

  // --- public API ---------------------------------------------------------------------------

  /** Parameters in the panel space (423 with the ecoMAX360i profile). */
  get parameterCount(): number {
    return this.space.count;
  }

  /** The alarm history served to alarm reads, in index order (index 0 first). */
  get alarms(): AlarmRecord[] {
    return [...this.alarmHistory];
  }

  set alarms(records: readonly AlarmRecord[]) {
    this.alarmHistory = [...records];
  }

  /** Gateways that get token grants, in grant order. */
  get registeredGateways(): number[] {
    return [...this.registered];
  }

  registerGateway(address: number): void {
    if (!Number.isInteger(address) || address < 0 || address > 0xfffe) {
      throw new RangeError(`gateway address must be an integer 0..65534, got ${address}`);
    }
    if (this.registered.includes(address)) return;
    this.registered.push(address);
    this.stats.registrations++;
    this.emit("gateway-registered", address);
  }

  unregisterGateway(address: number): void {
    const index = this.registered.indexOf(address);
    if (index !== -1) this.registered.splice(index, 1);
  }

  /** The address holding the token, or undefined while the panel owns the bus. */
  get tokenHolder(): number | undefined {
    return this.holder;
  }

  /** Thermostats paired through the pairing flow. */
  get thermostats(): number[] {
    return [...this.pairedThermostats];
  }

  /** Every thermostat the panel polls: the wired one, then the paired ones. */
  get polledThermostats(): number[] {
    const wired = this.options.thermostatAddress;
    return [...(wired === undefined ? [] : [wired]), ...this.pairedThermostats];
  }

  /** The last values read from thermostat `address`, by wire index. */
  thermostatValues(address: number): ReadonlyMap<number, ParameterValue> {
    return this.thermostatReadings.get(address) ?? new Map();
  }

  /**
   * Grants the token to `address` as the panel's next step (after the bus is quiet), whatever the
   * grant interval — unless token grants are stopped by fault injection.
   */
  grantToken(address: number): void {
    if (!Number.isInteger(address) || address < 0 || address > 0xfffe) {
      throw new RangeError(`token grant address must be an integer 0..65534, got ${address}`);
    }
    this.steps.unshift(this.grantStep(address));
    this.cancel(this.cycleTimer);
    this.cycleTimer = undefined;
    this.runSteps();
  }

  /** Enters pairing mode for `durationMs`: beacons instead of the normal cycle. */
  startPairing(durationMs = 60_000): void {
    this.pairingUntil = this.clock.now() + durationMs;
  }

  stopPairing(): void {
    this.pairingUntil = Number.NEGATIVE_INFINITY;
  }

  get pairing(): boolean {
    return this.clock.now() < this.pairingUntil;
  }

  // --- lifecycle ----------------------------------------------------------------------------

  protected override onStart(): void {
    if (this.options.runCycle) this.startCycle();
  }

  protected override onStop(): void {
    this.cancelQuiet?.();
    this.cancelQuiet = undefined;
    this.steps = [];
    this.stepping = false;
    this.holder = undefined;
    this.tokenReturned = undefined;
  }

  // --- serving requests ---------------------------------------------------------------------

  protected onFrame(frame: FramedFrame): void {
    if (frame.destination !== this.address) return;
    this.count(frame);
    switch (frame.command) {
      case Command.GET_PARAMS_STRUCT:
      case Command.GET_PARAMS:
        this.serveRange(frame, this.space, {
          withRange: false,
          valueCap: this.options.valueCap,
          descriptorCap: this.options.descriptorCap,
          malformed: "error",
        });
        return;
      case Command.SERVICE:
        this.serveService(frame);
        return;
      default:
        return;
    }
  }

  private serveService(frame: FramedFrame): void {
    const service = decodeService(frame.payload);
    if (!service.ok) return;
    if (service.value.function === ServiceFunction.TOKEN_RETURN) {
      if (frame.source === this.holder) this.tokenReturned?.();
      return;
    }
    if (service.value.function === ServiceFunction.ALARM_READ) {
      const request = decodeAlarmRequest(frame.payload);
      if (!request.ok) return;
      this.stats.alarmReads++;
      const record = this.alarmHistory[request.value.alarmIndex];
      this.reply(frame, Command.SERVICE_RESPONSE, record ? encodeAlarmRecord(record) : END_OF_ALARMS);
    }
  }

  // --- the cycle ----------------------------------------------------------------------------

  private runSteps(): void {
    if (this.stepping || !this.running) return;
    const step = this.steps.shift();
    if (!step) {
      this.scheduleNextCycle();
      return;
    }
    this.stepping = true;
    let done = false;
    step(() => {
      if (done) return;
      done = true;
      this.stepping = false;
      this.runSteps();
    });
  }

  private scheduleNextCycle(): void {
    if (this.cycleTimer || !this.options.runCycle) return;
    const delay = Math.max(0, this.cycleStartedAt + this.options.cycleMs - this.clock.now());
    this.cycleTimer = this.after(delay, () => {
      this.cycleTimer = undefined;
      this.startCycle();
    });
  }

  private due(last: number, intervalMs: number): boolean {
    return this.clock.now() - last >= intervalMs;
  }

  private startCycle(): void {
    if (!this.running) return;
    this.cycleStartedAt = this.clock.now();
    this.stats.cycles++;
    this.emit("cycle", this.stats.cycles);
    if (this.pairing) {
      this.steps.push(this.pairingStep());
      this.runSteps();
      return;
    }
    for (const address of this.options.knownAddresses) {
      this.steps.push((next) =>
        this.send({ destination: address, command: Command.IDENTIFY, payload: Buffer.alloc(0) }, next),
      );
    }
    this.steps.push(
      this.quietStep(),
      this.grantStep(undefined),
      (next) => this.activity(next),
      (next) => this.broadcasts(next),
    );
    this.runSteps();
  }

  private quietStep(): Step {
    return (next) => {
      this.cancelQuiet = this.wire.whenQuiet(this.options.quietGapMs, () => {
        this.cancelQuiet = undefined;
        next();
      });
    };
  }

  private grantStep(manual: number | undefined): Step {
    return (next) => {
      const due = this.registered.length > 0 && this.due(this.last.grant, this.options.tokenGrantIntervalMs);
      if (manual === undefined && !due) {
        next();
        return;
      }
      if (this.faults.tokenGrantsStopped) {
        this.faults.counts.skippedTokenGrants++;
        next();
        return;
      }
      const target = manual ?? this.registered[this.nextGrant++ % this.registered.length]!;
      this.quietStep()(() => this.grant(target, next));
    };
  }

  private grant(target: number, next: () => void): void {
    this.last.grant = this.clock.now();
    this.stats.tokenGrants++;
    this.send({ destination: target, command: Command.SERVICE, payload: encodeTokenGrant() }, () => {
      this.holder = target;
      this.emit("token-granted", target);
      const timeout = this.after(this.options.tokenReturnTimeoutMs, () => {
        this.tokenReturned = undefined;
        this.holder = undefined;
        this.stats.tokenTimeouts++;
        this.emit("token-timeout", target);
        next();
      });
      this.tokenReturned = () => {
        this.cancel(timeout);
        this.tokenReturned = undefined;
        this.holder = undefined;
        this.stats.tokenReturns++;
        this.emit("token-returned", target);
        next();
      };
    });
  }

  private activity(next: () => void): void {
    const dueThermostat = this.polledThermostats.find((address) =>
      this.due(
        this.thermostatPolledAt.get(address) ?? Number.NEGATIVE_INFINITY,
        this.options.thermostatPollIntervalMs,
      ),
    );
    if (dueThermostat !== undefined) {
      this.thermostatPolledAt.set(dueThermostat, this.clock.now());
      this.pollThermostat(dueThermostat, next);
      return;
    }
    if (this.options.scanAddresses.length > 0 && this.due(this.last.scan, this.options.scanIntervalMs)) {
      this.last.scan = this.clock.now();
      this.scan(() => {
        if (this.due(this.last.presence, this.options.presenceWriteIntervalMs)) {
          this.last.presence = this.clock.now();
          this.writeSequence(this.options.presenceWrites, next);
        } else next();
      });
      return;
    }
    next();
  }

  private broadcasts(next: () => void): void {
    if (this.due(this.last.clock, this.options.clockIntervalMs)) {
      this.last.clock = this.clock.now();
      this.send({
        destination: BROADCAST_ADDRESS,
        command: Command.SERVICE,
        payload: encodeClock(clockFromDate(this.clock.date())),
      });
    }
    if (this.due(this.last.deviceTable, this.options.deviceTableIntervalMs)) {
      this.last.deviceTable = this.clock.now();
      this.send({
        destination: BROADCAST_ADDRESS,
        command: Command.SERVICE,
        payload: encodeDeviceTable(this.deviceTable()),
      });
    }
    next();
  }

  /** Devices that report a temperature: the panel itself and each thermostat it has read. */
  private deviceTable(): { address: number; temperature: number }[] {
    const entries = [{ address: this.address, temperature: this.options.roomTemperature() }];
    for (const address of this.polledThermostats) {
      const reading = this.thermostatReadings.get(address)?.get(ThermostatIndex.ROOM_TEMPERATURE);
      if (typeof reading === "number") entries.push({ address, temperature: reading });
    }
    return entries;
  }

  private pollThermostat(address: number, next: () => void): void {
    this.stats.thermostatPolls++;
    const ask = (firstIndex: number, done: (reply: FramedFrame | undefined) => void) =>
      this.request(
        {
          destination: address,
          command: Command.GET_PARAMS,
          payload: encodeRangeRequest({ count: 255, firstIndex }),
        },
        {
          timeoutMs: this.options.replyTimeoutMs,
          match: (reply) =>
            reply.source === address &&
            reply.destination === this.address &&
            (reply.command === Command.GET_PARAMS_RESPONSE || reply.command === Command.NO_DATA),
          done,
        },
      );
    const finish = (answered: boolean) => {
      if (answered) this.stats.thermostatPollsAnswered++;
      else this.stats.thermostatPollsFailed++;
      this.emit("thermostat-polled", address, answered);
    };
    ask(0, (reply) => {
      const batch =
        reply?.command === Command.GET_PARAMS_RESPONSE
          ? decodeGetParamsResponse(reply.payload, ecosterTypeOf)
          : undefined;
      if (!batch?.ok || batch.value.firstIndex !== 0) {
        finish(false);
        next();
        return;
      }
      const readings = this.thermostatReadings.get(address) ?? new Map<number, ParameterValue>();
      this.thermostatReadings.set(address, readings);
      for (const reading of batch.value.values) readings.set(reading.index, reading.value);
      ask(batch.value.values.length, (end) => {
        finish(end?.command === Command.NO_DATA);
        this.options.onThermostatReading?.(address, readings);
        const circuit = this.options.circuitThermostat?.() ?? this.options.thermostatAddress;
        if (address !== circuit) {
          next();
          return;
        }
        const copies: PresenceWrite[] = [];
        for (const copy of this.options.thermostatCopies) {
          const value = readings.get(copy.from);
          if (typeof value === "number") copies.push({ index: copy.to, value });
        }
        this.writeSequence(copies, next);
      });
    });
  }

  /** Writes values into the controller one by one, each waiting for its answer. */
  private writeSequence(writes: readonly PresenceWrite[], next: () => void): void {
    const { controllerAddress } = this.options;
    const write = (position: number) => {
      const item = writes[position];
      if (!item) {
        next();
        return;
      }
      const type = this.options.controllerTypeOf(item.index);
      const encoded = type === undefined ? undefined : encodeValue(type, item.value);
      if (!encoded?.ok) {
        write(position + 1);
        return;
      }
      this.stats.controllerWrites++;
      this.request(
        {
          destination: controllerAddress,
          command: Command.MODIFY_PARAM,
          payload: encodeModifyRequest({ ...WriteAuth.PANEL, index: item.index, valueBytes: encoded.value }),
        },
        {
          timeoutMs: this.options.replyTimeoutMs,
          match: (reply) =>
            reply.source === controllerAddress &&
            reply.destination === this.address &&
            (reply.command === Command.MODIFY_PARAM_RESPONSE ||
              reply.command === Command.ERROR ||
              reply.command === Command.NO_DATA),
          done: () => write(position + 1),
        },
      );
    };
    write(0);
  }

  /** A scanning IDENTIFY, repeated once when unanswered. */
  private scan(next: () => void): void {
    const addresses = this.options.scanAddresses;
    const target = addresses[this.scanPosition++ % addresses.length]!;
    this.stats.scans++;
    const probe = (attempt: number) =>
      this.identify(target, (reply) => {
        if (reply) {
          const { first, last } = this.options.claimRange;
          if (target >= first && target <= last) this.registerGateway(target);
          next();
        } else if (attempt === 1) probe(2);
        else next();
      });
    probe(1);
  }

  /** An IDENTIFY to `target`; `done` gets its answer, or undefined after the IDENTIFY timeout. */
  private identify(target: number, done: (reply: FramedFrame | undefined) => void): void {
    this.request(
      { destination: target, command: Command.IDENTIFY, payload: Buffer.alloc(0) },
      {
        timeoutMs: this.options.identifyTimeoutMs,
        match: (reply) =>
          reply.command === Command.IDENTIFY_RESPONSE &&
          reply.source === target &&
          reply.destination === this.address,
        done,
      },
    );
  }

  // --- pairing (optional) -------------------------------------------------------------------

  private pairingStep(): Step {
    return (next) => {
      const beacon = () => {
        if (!this.pairing) {
          next();
          return;
        }
        const every = this.options.pairingProbeEvery;
        if (every > 0 && ++this.beacons % every === 0) {
          const target = this.nextProbeAddress();
          if (target !== undefined) {
            this.probeThermostat(target, (paired) => (paired ? next() : beacon()));
            return;
          }
        }
        this.request(
          { destination: BROADCAST_ADDRESS, command: Command.SERVICE, payload: encodePairingBeacon() },
          {
            timeoutMs: this.options.pairingBeaconIntervalMs,
            match: (reply) =>
              reply.command === Command.SERVICE_RESPONSE &&
              reply.source === THERMOSTAT_PAIRING_ADDRESS &&
              reply.destination === this.address,
            done: (reply) => {
              if (!reply) beacon();
              else if (this.acceptIdentity(THERMOSTAT_PAIRING_ADDRESS, reply.payload))
                this.assignAddress(next);
              else beacon(); // read again: the next beacon
            },
          },
        );
      };
      beacon();
    };
  }

  /** Compares a pairing answer with a real ecoSTER_40's identity; counts a rejection. */
  private acceptIdentity(address: number, payload: Buffer): boolean {
    const offset = identityMismatchAt(payload, this.options.thermostatIdentity);
    if (offset === -1) return true;
    this.stats.identityRejections++;
    this.emit("thermostat-rejected", address, offset);
    return false;
  }

  private isTaken(address: number): boolean {
    return (
      address === this.options.thermostatAddress ||
      address === THERMOSTAT_PAIRING_ADDRESS ||
      this.pairedThermostats.includes(address)
    );
  }

  /** The next free address of the claim range, round robin. */
  private nextProbeAddress(): number | undefined {
    const { first, last } = this.options.thermostatClaimRange;
    const span = last - first + 1;
    for (let i = 0; i < span; i++) {
      const address = first + (((this.probePosition++ % span) + span) % span);
      if (!this.isTaken(address)) return address;
    }
    return undefined;
  }

  /** IDENTIFY to a free address while pairing; a thermostat answering with the right identity is paired there. */
  private probeThermostat(target: number, done: (paired: boolean) => void): void {
    this.identify(target, (reply) => {
      if (!reply || !this.acceptIdentity(target, reply.payload)) {
        done(false);
        return;
      }
      this.paired(target);
      done(true);
    });
  }

  private paired(address: number): void {
    this.pairedThermostats.push(address);
    this.thermostatPolledAt.delete(address);
    // The new thermostat appears in the next device table (the tentative claim's confirmation).
    this.last.deviceTable = Number.NEGATIVE_INFINITY;
    this.emit("thermostat-paired", address);
    this.stopPairing();
  }

  private assignAddress(next: () => void): void {
    let assigned = 166;
    while (this.isTaken(assigned)) assigned++;
    this.request(
      {
        destination: THERMOSTAT_PAIRING_ADDRESS,
        command: Command.SERVICE,
        payload: encodeAddressAssignment(assigned),
      },
      {
        timeoutMs: this.options.replyTimeoutMs,
        match: (reply) =>
          reply.command === Command.SERVICE_RESPONSE &&
          reply.source === assigned &&
          reply.destination === this.address,
        done: (reply) => {
          if (reply) this.paired(assigned);
          next();
        },
      },
    );
  }
}
