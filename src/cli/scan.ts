/**
 * `gm3 scan`: joins the bus politely (its own address, only with the token), listens, asks each
 * device seen for its identity and the controller and panel for their parameter counts, reports
 * what it found, gives the token back and leaves.
 */

import { firstOpenAttempt, linkConfigurationError, PERMANENT_LINK_ERRORS } from "../app/link-errors.js";
import { AddressManager } from "../bus/address.js";
import { Gm3Bus } from "../bus/bus.js";
import { BusError } from "../bus/errors.js";
import { type BusRequest, Priority } from "../bus/request.js";
import { parameterExistsRequest } from "../bus/requests.js";
import { openBusState } from "../gateway/bus-state.js";
import { createLogger } from "../log/index.js";
import {
  Address,
  Command,
  decodeIdentity,
  type FramedFrame,
  GATEWAY_ADDRESS_RANGE,
  IDENTITY_FIELDS,
  interpretFrame,
  THERMOSTAT_ADDRESS_RANGE,
} from "../protocol/index.js";
import { readSavedAddress, saveAddress } from "../state/bus-address.js";
import { linkTargetName } from "../transport/create-link.js";
import type { LinkError } from "../transport/link.js";
import { LinkSupervisor } from "../transport/link-supervisor.js";
import { openCliBus } from "./bus-endpoint.js";
import { busOptionHelp, busOptions } from "./bus-options.js";
import { BusCommandError, type CliCommand, ExitCode, UsageError } from "./command.js";
import { configOption, configOptionHelp } from "./config.js";

type Role = "controller" | "panel" | "thermostat" | "gateway" | "poller" | "unknown";

interface Device {
  address: number;
  role: Role;
  framesSent: number;
  identity?: Record<string, string>;
  temperature?: number;
  parameterCount?: number;
}

function roleOf(address: number, controller: number, panel: number): Role {
  if (address === controller) return "controller";
  if (address === panel) return "panel";
  if (address === Address.POLLER) return "poller";
  if (address >= THERMOSTAT_ADDRESS_RANGE.first && address <= THERMOSTAT_ADDRESS_RANGE.last)
    return "thermostat";
  if (address >= GATEWAY_ADDRESS_RANGE.first && address <= GATEWAY_ADDRESS_RANGE.last) return "gateway";
  return "unknown";
}

function identifyRequest(destination: number): BusRequest<string[]> {
  return {
    destination,
    command: Command.IDENTIFY,
    payload: Buffer.alloc(0),
    priority: Priority.POLL,
    maxAttempts: 2,
    label: `IDENTIFY ${destination}`,
    judge: (frame) =>
      frame.command === Command.IDENTIFY_RESPONSE
        ? { kind: "ok", value: decodeIdentity(frame.payload) }
        : undefined,
  };
}

/** Number of parameters: exponential then binary search for the first index that does not exist. */
async function countParameters(bus: Gm3Bus, destination: number): Promise<number> {
  const exists = (index: number) => bus.request(parameterExistsRequest({ destination, index }));
  if (!(await exists(0))) return 0;
  let low = 0;
  let high = 1;
  while (high <= 0xffff && (await exists(high))) {
    low = high;
    high *= 2;
  }
  high = Math.min(high, 0x10000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await exists(middle)) low = middle;
    else high = middle;
  }
  return low + 1;
}

export const scanCommand: CliCommand = {
  name: "scan",
  summary: "join the bus politely, list the devices on it and the parameter counts, then leave",
  usage: "[--port <SERIAL_PORT>] [--baud <n>] [--listen <s>] [--timeout <s>] [--json] [--config <path>]",
  optionHelp: {
    ...busOptionHelp,
    "--listen <s>": "listen at least this long before asking (default 35: one device table)",
    "--timeout <s>": "give up waiting for the token after this long (default 120)",
    "--json": "print the report as JSON",
    ...configOptionHelp,
  },
  options: {
    ...busOptions,
    listen: { type: "string" },
    timeout: { type: "string" },
    json: { type: "boolean" },
    ...configOption,
  },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`scan takes no arguments (got '${positionals[0]}')`);
    const seconds = (value: unknown, flag: string, fallback: number) => {
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0)
        throw new UsageError(`${flag} must be a number of seconds, got "${String(value)}"`);
      return n;
    };
    const listenMs = seconds(values.listen, "--listen", 35) * 1000;
    const timeoutMs = seconds(values.timeout, "--timeout", 120) * 1000;
    const target = await openCliBus(values, io, { name: "scan", doing: "scanning" });
    const { config, simulation: sim } = target;
    const supervisor = new LinkSupervisor({
      createLink: () => target.createLink("scanner"),
      reconnectDelayMinMs: config.reconnectDelayMinMs,
      reconnectDelayMaxMs: config.reconnectDelayMaxMs,
      silenceTimeoutMs: 0,
    });
    // The address belongs to this bus: the same folder of STATE_DIR as the gateway's.
    const { directory: state } = await openBusState(
      config.stateDir,
      {
        kind: target.endpoint.kind === "device" ? "serial" : target.endpoint.kind === "tcp" ? "tcp" : "sim",
        target: linkTargetName(target.endpoint),
      },
      {
        logger: createLogger({ ...config, logLevel: "warn", logFormat: "pretty" }, io.stderr),
        now: Date.now(),
      },
    );
    const saved = config.gatewayAddress === "auto" ? await readSavedAddress(state) : undefined;
    const address = new AddressManager({
      fixedAddress: config.gatewayAddress === "auto" ? undefined : config.gatewayAddress,
      tentativeTimeoutMs: 20_000,
      persist: (a) => saveAddress(state, a, Date.now()),
    });
    if (saved !== undefined) address.restore(saved);
    const bus = new Gm3Bus(supervisor, address, {
      panelAddress: config.panelAddress,
      turnaroundMs: config.turnaroundMs,
      responseTimeoutMs: config.serialTimeoutMs,
      retryAttempts: config.retryAttempts,
      retryBackoffMs: 50,
      tokenRequired: config.tokenRequired,
      tokenWaitTimeoutMs: config.tokenWaitTimeoutMs,
      maxTokenHoldMs: 15_000,
    });
    const devices = new Map<number, Device>();
    const device = (a: number) => {
      let d = devices.get(a);
      if (!d) {
        d = { address: a, role: roleOf(a, config.controllerAddress, config.panelAddress), framesSent: 0 };
        devices.set(a, d);
      }
      return d;
    };
    let frames = 0;
    bus.on("frame", (frame: FramedFrame) => {
      frames++;
      device(frame.source).framesSent++;
      const message = interpretFrame(frame);
      if (message.kind === "identity") device(frame.source).identity = identityRecord(message.strings);
      if (message.kind === "service" && message.detail.function === "device-table") {
        for (const entry of message.detail.devices) device(entry.address).temperature = entry.temperature;
      }
    });
    const started = Date.now();
    const firstOpen = firstOpenAttempt(supervisor);
    supervisor.start();
    const listening = new AbortController();
    try {
      const openError = await firstOpen;
      const configError = openError && linkConfigurationError(openError, target.loaded);
      if (configError) throw configError;
      if (openError && PERMANENT_LINK_ERRORS.has(openError.code)) throw permanentLinkError(openError);
      io.stderr.write(
        `listening on ${linkTargetName(target.endpoint)} for ${listenMs / 1000} s before asking…\n`,
      );
      // A device that is missing or not permitted does not appear while we listen: stop at once.
      await Promise.race([delay(listenMs, listening.signal), permanentFailure(supervisor, listening.signal)]);
      if (supervisor.state !== "up") {
        throw new BusCommandError(
          `the link is not up: ${supervisor.lastError?.message ?? supervisor.state}${supervisor.lastError?.hint ? ` — ${supervisor.lastError.hint}` : ""}`,
        );
      }
      const deadline = Date.now() + timeoutMs;
      const targets = [...devices.values()].filter(
        (d) => d.role !== "poller" && d.address !== address.address && d.address !== Address.BROADCAST,
      );
      for (const known of [config.controllerAddress, config.panelAddress])
        if (!targets.some((d) => d.address === known)) targets.push(device(known));
      for (const target of targets) {
        if (target.identity) continue;
        try {
          target.identity = identityRecord(
            await bus.request({ ...identifyRequest(target.address), deadline }),
          );
        } catch (error) {
          if (!(error instanceof BusError)) throw error;
          if (error.reason === "no-token" || error.reason === "link-down")
            throw tokenProblem(error, address.address);
        }
      }
      for (const space of [config.controllerAddress, config.panelAddress]) {
        device(space).parameterCount = await countParameters(bus, space).catch((error: unknown) => {
          if (error instanceof BusError && (error.reason === "no-token" || error.reason === "link-down"))
            throw tokenProblem(error, address.address);
          return undefined;
        });
      }
    } finally {
      listening.abort();
      await bus.close();
      await supervisor.stop();
      address.dispose();
      await sim?.stop();
    }
    const report = {
      link: linkTargetName(target.endpoint),
      baudRate: config.serialBaudRate,
      listenedSeconds: Math.round((Date.now() - started) / 100) / 10,
      frames,
      gatewayAddress: address.address ?? null,
      addressState: address.state,
      devices: [...devices.values()]
        .filter((d) => d.address !== address.address)
        .sort((a, b) => a.address - b.address),
    };
    if (values.json === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(formatReport(report));
    return ExitCode.OK;
  },
};

/** Resolves after `ms`, or at once when `signal` aborts (no timer is left behind). */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function permanentLinkError(error: LinkError): BusCommandError {
  return new BusCommandError(
    `cannot open the bus link: ${error.message}${error.hint ? ` — ${error.hint}` : ""}`,
  );
}

/** Rejects when the link fails with an error waiting cannot cure; never settles otherwise. */
function permanentFailure(supervisor: LinkSupervisor, signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const check = () => {
      const error = supervisor.lastError;
      if (supervisor.state === "up" || !error || !PERMANENT_LINK_ERRORS.has(error.code)) return;
      supervisor.off("down", check);
      reject(permanentLinkError(error));
    };
    supervisor.on("down", check);
    signal.addEventListener("abort", () => supervisor.off("down", check), { once: true });
    check();
  });
}

function identityRecord(strings: readonly string[]): Record<string, string> {
  return Object.fromEntries(strings.map((s, i) => [IDENTITY_FIELDS[i] ?? `field${i}`, s]));
}

function tokenProblem(error: BusError, address: number | undefined): BusCommandError {
  return new BusCommandError(
    address === undefined
      ? "no bus address: the panel did not offer a free address in 105–130 while we listened; set GM3_SOURCE_ADDRESS or listen longer (--listen 180)"
      : `${error.message}. The panel never granted the token to address ${address}: it may not have registered this gateway yet (first registration can take minutes), or TOKEN_REQUIRED should be false on this bus`,
  );
}

function formatReport(report: {
  link: string;
  baudRate: number;
  listenedSeconds: number;
  frames: number;
  gatewayAddress: number | null;
  addressState: string;
  devices: Device[];
}): string {
  const lines = [
    `Bus on ${report.link} at ${report.baudRate} baud — ${report.frames} frames in ${report.listenedSeconds} s`,
    `Our address: ${report.gatewayAddress ?? "none"} (${report.addressState})`,
    "",
    "Address  Role        Frames  Identity / notes",
  ];
  for (const d of report.devices) {
    const id = d.identity
      ? [
          d.identity.manufacturer,
          d.identity.model,
          d.identity.serial && `serial ${d.identity.serial}`,
          d.identity.firmware,
        ]
          .filter(Boolean)
          .join(" / ")
      : "";
    const notes = [
      id,
      d.parameterCount !== undefined ? `${d.parameterCount} parameters` : "",
      d.temperature !== undefined && !Number.isNaN(d.temperature) ? `${d.temperature} °C` : "",
      d.role === "poller" ? "polls the controller (e.g. an ecoNET module)" : "",
    ].filter(Boolean);
    const addr = d.address === Address.BROADCAST ? "0xFFFF" : String(d.address);
    lines.push(
      `${addr.padEnd(8)} ${d.role.padEnd(11)} ${String(d.framesSent).padStart(6)}  ${notes.join("; ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
