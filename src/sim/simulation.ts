/**
 * A simulated GM3 bus: the wire plus the controller, the panel, the ecoSTER thermostat and the
 * 0xFFFF poller, all scheduled through one clock and one seed. External parties (the gateway in
 * process, TCP clients, the pseudo-terminal) join with {@link Simulation.attach}.
 */
import { EventEmitter } from "node:events";
import { PANEL_INDEX_OFFSET, type ParameterValue, THERMOSTAT_ADDRESS_RANGE } from "../protocol/index.js";
import type { SimClock, TimerHandle } from "./clock.js";
import { SimController } from "./controller.js";
import type { DeviceContext } from "./device.js";
import { ECOSTER_40_IDENTITY } from "./ecoster-identity.js";
import { BusEndpoint, LinkUnpluggedError } from "./endpoint.js";
import { Faults } from "./faults.js";
import { HeatPumpModel } from "./heat-pump-model.js";
import { CONTROLLER_LIVE_RULES, LiveValues, THERMOSTAT_LIVE_RULES } from "./live-values.js";
import { resolveOptions, type SimulationOptions } from "./options.js";
import { SimPanel } from "./panel.js";
import { SimPoller } from "./poller.js";
import { Random } from "./random.js";
import { SimThermostat } from "./thermostat.js";
import { type Transceiver, Wire } from "./wire.js";

export interface SimulationEvents {
  started: [];
  stopped: [];
  attached: [endpoint: BusEndpoint];
  unplugged: [];
  plugged: [];
}

export class Simulation extends EventEmitter<SimulationEvents> {
  readonly options: SimulationOptions;
  readonly clock: SimClock;
  /** The wire; `bus.log` records every frame on it, `bus.on("frame", …)` reports each. */
  readonly bus: Wire;
  readonly controller: SimController;
  readonly panel: SimPanel;
  readonly thermostat: SimThermostat;
  /** Undefined with `poller: false`. */
  readonly poller: SimPoller | undefined;
  readonly faults: Faults;
  private readonly endpoints = new Set<BusEndpoint>();
  private readonly liveValues: { tick(): void }[];
  private readonly noise: Transceiver = { name: "noise", kind: "noise", receive: () => {} };
  private liveTimer: TimerHandle | undefined;
  private stopNoise: (() => void) | undefined;
  private started = false;
  private stopped = false;

  constructor(options: Partial<SimulationOptions> = {}) {
    super();
    const o = resolveOptions(options);
    this.options = o;
    this.clock = o.clock;
    const random = new Random(o.seed);
    this.bus = new Wire(o.clock, {
      baudRate: o.baudRate,
      wireDelay: o.wireDelay,
      maxLogEntries: o.maxLogEntries,
      random: random.fork("collisions"),
    });
    this.faults = new Faults(o.clock, random.fork("faults"), o.faults);
    const context: DeviceContext = { clock: o.clock, wire: this.bus, faults: this.faults };
    const { profile, caps } = o;

    this.controller = new SimController(context, profile.regulator, {
      address: o.controllerAddress,
      replyLatencyMs: o.controllerLatencyMs,
      identity: profile.identity,
      valueCap: caps.controllerValues,
      descriptorCap: caps.controllerDescriptors,
      writeRejection: o.writeRejection,
    });
    this.thermostat = new SimThermostat(context, {
      address: o.thermostatAddress,
      replyLatencyMs: o.thermostatLatencyMs,
      descriptorCap: caps.thermostatDescriptors,
      valueCap: caps.thermostatValues,
      roomTemperature: o.roomTemperature,
    });
    const controllerSpace = this.controller.space;
    this.panel = new SimPanel(context, profile.panel, {
      address: o.panelAddress,
      replyLatencyMs: o.panelLatencyMs,
      controllerAddress: o.controllerAddress,
      thermostatAddress: o.wiredThermostat ? o.thermostatAddress : undefined,
      thermostatClaimRange: { ...THERMOSTAT_ADDRESS_RANGE },
      pairingProbeEvery: o.pairingProbeEvery,
      thermostatIdentity: ECOSTER_40_IDENTITY,
      onThermostatReading: (address, readings) => this.copyThermostatTemperature(address, readings),
      circuitThermostat: () => this.circuitThermostat(),
      runCycle: o.panelCycle,
      cycleMs: o.panelCycleMs,
      quietGapMs: o.panelQuietGapMs,
      knownAddresses: o.knownAddresses,
      scanAddresses: o.scanAddresses,
      scanIntervalMs: o.scanIntervalMs,
      identifyTimeoutMs: o.identifyTimeoutMs,
      replyTimeoutMs: o.panelReplyTimeoutMs,
      tokenGrantIntervalMs: o.tokenGrantIntervalMs,
      tokenReturnTimeoutMs: o.tokenReturnTimeoutMs,
      deviceTableIntervalMs: o.deviceTableIntervalMs,
      clockIntervalMs: o.clockBroadcastIntervalMs,
      thermostatPollIntervalMs: o.thermostatPollIntervalMs,
      presenceWriteIntervalMs: o.presenceWriteIntervalMs,
      pairingBeaconIntervalMs: o.pairingBeaconIntervalMs,
      registeredGateways: o.registeredGateways,
      claimRange: o.claimRange,
      valueCap: caps.panelValues,
      descriptorCap: caps.panelDescriptors,
      alarms: o.alarms,
      thermostatCopies: o.thermostatCopies,
      presenceWrites: o.presenceWrites,
      roomTemperature: () => {
        const index = o.panelTemperatureIndex;
        // The controller's current space: a reflash (SimController.reflash) replaces it.
        const space = this.controller.space;
        const value = index < space.count ? space.getValue(index) : Number.NaN;
        return typeof value === "number" ? value : Number.NaN;
      },
      controllerTypeOf: (index) => this.controller.space.parameters[index]?.typeCode,
    });
    this.poller = o.poller
      ? new SimPoller(context, {
          controllerAddress: o.controllerAddress,
          panelAddress: o.panelAddress,
          cueAddress: o.knownAddresses[0] ?? 131,
          blockSize: 100,
          blockCount: Math.ceil(controllerSpace.count / 100),
          turnaroundMs: o.pollerTurnaroundMs,
          replyTimeoutMs: o.pollerReplyTimeoutMs,
          minSweepIntervalMs: o.pollerMinSweepIntervalMs ?? 0.55 * o.panelCycleMs,
          ignoresToken: o.pollerIgnoresToken,
        })
      : undefined;
    const live = random.fork("live-values");
    this.liveValues = o.liveValues
      ? [
          new LiveValues(controllerSpace, CONTROLLER_LIVE_RULES, live.fork("controller")),
          new LiveValues(this.thermostat.space, THERMOSTAT_LIVE_RULES, live.fork("thermostat")),
          new HeatPumpModel(controllerSpace),
        ]
      : [];
    this.panel.on("thermostat-paired", (address) => this.assignCircuit(address));
    this.faults.on("unplugged", () => this.onUnplugged());
    this.faults.on("plugged", () => this.emit("plugged"));
  }

  get running(): boolean {
    return this.started && !this.stopped;
  }

  /** Starts the devices: the panel's cycle begins at once. Idempotent. */
  start(): void {
    if (this.stopped) throw new Error("a stopped simulation cannot be restarted; create a new one");
    if (this.started) return;
    this.started = true;
    this.stopNoise = this.bus.onBurstEnd((sender) => {
      if (sender === this.noise) return;
      const noise = this.faults.planNoise();
      if (noise) this.bus.transmitWhenFree(this.noise, noise);
    });
    this.controller.start();
    if (this.options.wiredThermostat) {
      // The controller has known the wired thermostat long before anyone joins the bus: its
      // reading is in the circuit's parameters from the start, not only after the panel's first
      // poll of it (a gateway reading at the first moment would see the profile's value change).
      this.copyThermostatTemperature(
        this.options.thermostatAddress,
        new Map([[0, this.thermostat.roomTemperature]]),
      );
      this.thermostat.start();
    }
    this.poller?.start();
    this.panel.start();
    this.faults.start();
    if (this.liveValues.length > 0) {
      this.liveTimer = this.clock.setInterval(() => this.tickLiveValues(), this.options.liveValuesIntervalMs);
    }
    this.emit("started");
  }

  /** Stops every device and timer and detaches every endpoint. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clock.clearInterval(this.liveTimer);
    this.stopNoise?.();
    this.panel.stop();
    this.poller?.stop();
    this.thermostat.stop();
    this.controller.stop();
    this.faults.dispose();
    for (const endpoint of [...this.endpoints]) endpoint.destroy();
    this.endpoints.clear();
    this.bus.close();
    this.emit("stopped");
  }

  /**
   * A transceiver on the wire for an external party. Throws {@link LinkUnpluggedError} while the link
   * is unplugged (fault injection).
   */
  attach(name = "gateway"): BusEndpoint {
    if (this.stopped) throw new Error("the simulation is stopped; nothing can attach");
    if (this.faults.unplugged) throw new LinkUnpluggedError();
    const taken = new Set([...this.endpoints].map((e) => e.name));
    let unique = name;
    for (let n = 2; taken.has(unique); n++) unique = `${name}#${n}`;
    const endpoint = new BusEndpoint(unique, this.bus);
    this.endpoints.add(endpoint);
    endpoint.once("close", () => this.endpoints.delete(endpoint));
    this.emit("attached", endpoint);
    return endpoint;
  }

  /** Endpoints currently attached. */
  get attachedEndpoints(): BusEndpoint[] {
    return [...this.endpoints];
  }

  /** Value of a stored index: 0… controller, 10000+ panel (PROTOCOL.md §9). */
  getValue(storedIndex: number) {
    return storedIndex >= PANEL_INDEX_OFFSET
      ? this.panel.space.getValue(storedIndex - PANEL_INDEX_OFFSET)
      : this.controller.getValue(storedIndex);
  }

  /** Index of the controller parameter named `name` (its current space), if any. */
  controllerIndexOf(name: string): number | undefined {
    const index = this.controller.space.parameters.findIndex((p) => p.name === name);
    return index === -1 ? undefined : index;
  }

  /** The thermostat serving circuit `pairedThermostatCircuit` (its `Circuit<N>ThermostatAddress`). */
  private circuitThermostat(): number | undefined {
    const circuit = this.options.pairedThermostatCircuit;
    const index =
      circuit === undefined ? undefined : this.controllerIndexOf(`Circuit${circuit}ThermostatAddress`);
    const value = index === undefined ? undefined : this.controller.getValue(index);
    return typeof value === "number" && value > 0
      ? value
      : this.options.wiredThermostat
        ? this.options.thermostatAddress
        : undefined;
  }

  private assignCircuit(address: number): void {
    const circuit = this.options.pairedThermostatCircuit;
    if (circuit === undefined) return;
    const index = this.controllerIndexOf(`Circuit${circuit}ThermostatAddress`);
    if (index !== undefined) this.controller.space.setValue(index, address);
  }

  /**
   * PROTOCOL.md §17.1: the controller learns a thermostat's temperature from the panel
   * (`THERMOSTAT_<address>`, and `Circuit<N>thermostatTemp` of the circuit it serves).
   */
  private copyThermostatTemperature(address: number, readings: ReadonlyMap<number, ParameterValue>): void {
    const temperature = readings.get(0);
    if (typeof temperature !== "number" || !Number.isFinite(temperature)) return;
    const space = this.controller.space;
    const set = (index: number | undefined) => {
      if (index !== undefined && typeof space.getValue(index) === "number")
        space.setValue(index, temperature);
    };
    if (address >= 100 && address <= THERMOSTAT_ADDRESS_RANGE.last)
      set(this.controllerIndexOf(`THERMOSTAT_${address}`));
    const circuit = this.options.pairedThermostatCircuit;
    if (circuit !== undefined && address === this.circuitThermostat()) {
      set(this.controllerIndexOf(`Circuit${circuit}thermostatTemp`));
    }
  }

  private tickLiveValues(): void {
    for (const live of this.liveValues) live.tick();
    // The thermostat's current preset mirrors its room temperature (§17.3).
    this.thermostat.roomTemperature = this.thermostat.roomTemperature;
  }

  private onUnplugged(): void {
    const error = new LinkUnpluggedError("the simulated RS-485 link was unplugged");
    for (const endpoint of [...this.endpoints]) endpoint.destroy(error);
    this.endpoints.clear();
    this.emit("unplugged");
  }
}
