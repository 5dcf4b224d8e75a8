/**
 * Mistakes in how the gateway is set up are configuration errors: exit code 2, one line naming the
 * setting and where it came from, and nothing sent on the bus. A serial port another program holds
 * (a real pseudo-terminal locked by a second opener), an HTTP port already taken; and the
 * bus flags every command that uses a bus accepts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimPty, Simulation } from "../../src/sim/index.js";
import { SerialLink } from "../../src/transport/serial-link.js";
import { FAST_SIM, TEST_GATEWAY_ADDRESS } from "../helpers/sim-gateway.js";
import { gm3, startTcpSim, type TcpSim } from "./harness.js";

/** Every command that uses a bus, with arguments that would otherwise run it. */
const BUS_COMMANDS: Record<string, string[]> = {
  serve: ["serve"],
  get: ["get", "HDWTSetPoint", "--timeout", "20"],
  set: ["set", "HDWTSetPoint", "48", "--timeout", "20"],
  scan: ["scan", "--listen", "0", "--timeout", "20"],
  sniff: ["sniff", "--count", "1", "--duration", "20"],
};

const oneLine = (stderr: string) => stderr.trimEnd().split("\n");

describe("a serial port another program holds", () => {
  let dir: string;
  let sim: Simulation;
  let pty: SimPty;
  let holder: SerialLink;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gm3-busy-"));
    sim = new Simulation(FAST_SIM);
    sim.start();
    pty = new SimPty(sim, { path: join(dir, "ttyBusy") });
    await pty.start();
    // serialport locks the tty it opens (flock): a second opener is refused, as for another gateway.
    holder = new SerialLink(pty.path, 115_200);
    await holder.open();
  });
  afterAll(async () => {
    await holder?.close();
    await pty?.stop();
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(BUS_COMMANDS))(
    "gm3 %s: exit 2, one line saying the port is in use, nothing on the wire",
    async (name) => {
      const env = {
        SERIAL_PORT: pty.path,
        GM3_SOURCE_ADDRESS: String(TEST_GATEWAY_ADDRESS),
        STATE_DIR: join(dir, `state-${name}`),
        API_HOST: "127.0.0.1",
        API_PORT: "0",
      };
      const { code, stdout, stderr } = await gm3(BUS_COMMANDS[name]!, env);
      expect(stdout).toBe("");
      expect(oneLine(stderr)).toEqual([
        `gm3 ${name}: Invalid configuration: SERIAL_PORT (from environment variable SERIAL_PORT): ${pty.path} is in use by another program (another gateway?); stop it, or give this gateway another port.`,
      ]);
      expect(code).toBe(2);
      expect(sim.bus.log.frames((frame) => frame.source === TEST_GATEWAY_ADDRESS)).toEqual([]);
    },
  );

  it("names --port as the origin when the flag gave the port", async () => {
    const { code, stderr } = await gm3(["get", "X", "--port", pty.path], { STATE_DIR: join(dir, "flag") });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^gm3 get: Invalid configuration: SERIAL_PORT \(from --port\): .* is in use/);
  });
});

describe("an HTTP port already in use", () => {
  let bus: TcpSim;
  let taken: Server;
  let port: number;

  beforeAll(async () => {
    bus = await startTcpSim();
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => taken?.close(resolve));
    await bus?.stop();
  });

  it("gm3 serve: exit 2, one line naming API_PORT, before the bus link is opened", async () => {
    const handlers = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    const { code, stdout, stderr } = await gm3(["serve"], {
      ...bus.env,
      API_HOST: "127.0.0.1",
      API_PORT: String(port),
      LOG_LEVEL: "silent",
    });
    expect(stdout).toBe("");
    expect(oneLine(stderr)).toEqual([
      `gm3 serve: Invalid configuration: API_PORT (from environment variable API_PORT): port ${port} on 127.0.0.1 is already in use (another gateway running?); set API_PORT to a free port.`,
    ]);
    expect(code).toBe(2);
    // The simulator's TCP server never had a client: the bus was not touched.
    expect(bus.clients).toEqual([]);
    // Nor is a stop-signal handler left behind.
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(handlers);
  });
});

describe("--port and --baud on every command that uses a bus", () => {
  let bus: TcpSim;
  beforeAll(async () => {
    bus = await startTcpSim();
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it.each(Object.keys(BUS_COMMANDS))(
    "gm3 %s takes --baud (a bad one is blamed on the flag)",
    async (name) => {
      const { code, stderr } = await gm3([...BUS_COMMANDS[name]!, "--baud", "12"], bus.env);
      expect(stderr).toMatch(
        new RegExp(`^gm3 ${name}: .*SERIAL_BAUD \\(from --baud\\): 12 is not supported`),
      );
      expect(code).toBe(2);
    },
  );

  it.each(Object.keys(BUS_COMMANDS))(
    "gm3 %s takes --port (a bad one is blamed on the flag)",
    async (name) => {
      const { code, stderr } = await gm3([...BUS_COMMANDS[name]!, "--port", "foo:bar"], bus.env);
      expect(stderr).toMatch(new RegExp(`^gm3 ${name}: .*SERIAL_PORT \\(from --port\\): "foo:bar"`));
      expect(code).toBe(2);
    },
  );

  it("gm3 get --port reads the bus it names, without SERIAL_PORT", async () => {
    const { SERIAL_PORT: url, ...env } = bus.env;
    bus.sim.controller.setValue(103, 47);
    const { code, stdout } = await gm3(["get", "HDWTSetPoint", "--port", url!, "--baud", "115200"], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^HDWTSetPoint \(103\) = 47 /);
  });
});

describe("what one-shot commands say on stderr before they start", () => {
  let bus: TcpSim;
  beforeAll(async () => {
    bus = await startTcpSim();
  });
  afterAll(async () => {
    await bus?.stop();
  });

  it("warns about misspelt environment variables (with the name meant), as the YAML file does", async () => {
    const { code, stderr } = await gm3(["get", "HDWTSetPoint"], {
      ...bus.env,
      GM3_SOURCE_ADRESS: "115",
      SERIAL_PROT: "/dev/ttyUSB0",
    });
    expect(code).toBe(0);
    expect(stderr).toContain(
      "gm3 get: warning: Unknown environment variable GM3_SOURCE_ADRESS is ignored; did you mean GM3_SOURCE_ADDRESS?\n",
    );
    expect(stderr).toContain(
      "gm3 get: warning: Unknown environment variable SERIAL_PROT is ignored; did you mean SERIAL_PORT?\n",
    );
  });

  it.each([
    ["get", ["get", "HDWTSetPoint", "--timeout", "0.2"], "reading"],
    ["set", ["set", "HDWTSetPoint", "48", "--timeout", "0.2"], "writing to"],
    ["scan", ["scan", "--listen", "0", "--timeout", "0.2", "--json"], "scanning"],
  ])("gm3 %s on the built-in simulator says so, first, in one line", async (name, argv, doing) => {
    const { stderr } = await gm3(argv, { STATE_DIR: join(bus.stateDir, `sim-${name}`) });
    expect(stderr.split("\n")[0]).toBe(
      `gm3 ${name}: no serial port configured: ${doing} the built-in simulated heat pump (set SERIAL_PORT or --port for a real one)`,
    );
  });
});
