/** Which folder of STATE_DIR a bus target's state lives in (src/state/bus-target.ts), on a real file system. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveBusTarget, safeKey, targetStateDirectory } from "../../src/state/bus-target.js";
import { StateDirectory } from "../../src/state/state-file.js";

describe("bus targets", () => {
  let root: string;
  let state: StateDirectory;
  /** Stands in for /dev: `ttyUSB0` etc. are plain files, by-id/ holds links to them as udev makes. */
  let dev: string;
  let byIdDir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "gm3-target-"));
    state = new StateDirectory(join(root, "state"));
    dev = join(root, "dev");
    byIdDir = join(dev, "serial", "by-id");
    await mkdir(byIdDir, { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("keeps the simulator apart from every real target, and names TCP targets by host and port", async () => {
    expect(await resolveBusTarget("sim", "sim://", state)).toMatchObject({ key: "sim", simulated: true });
    expect(await resolveBusTarget("tcp", "tcp://HeatPump.local:4001", state)).toMatchObject({
      key: "tcp-heatpump.local-4001",
      simulated: false,
    });
    expect((await resolveBusTarget("tcp", "tcp://[::1]:4001", state)).key).toBe("tcp-_1-4001");
    // A serial port whose path happens to spell "sim" is still a serial port.
    const serial = await resolveBusTarget("serial", "sim", state, { byIdDir });
    expect(serial.key).not.toBe("sim");
    expect(serial.simulated).toBe(false);
  });

  it("names an adapter by its /dev/serial/by-id link, so ttyUSB0 → ttyUSB1 after a re-plug is the same bus", async () => {
    const id = "usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0";
    await writeFile(join(dev, "ttyUSB0"), "");
    await symlink(join(dev, "ttyUSB0"), join(byIdDir, id));
    const first = await resolveBusTarget("serial", join(dev, "ttyUSB0"), state, { byIdDir });
    expect(first).toMatchObject({ key: `serial-by-id-${id}`, basis: "serial-by-id" });
    // Re-plugged: the kernel numbers it ttyUSB1, udev moves the link; the configured by-id path is the same.
    await rm(join(dev, "ttyUSB0"));
    await writeFile(join(dev, "ttyUSB1"), "");
    await rm(join(byIdDir, id));
    await symlink(join(dev, "ttyUSB1"), join(byIdDir, id));
    expect((await resolveBusTarget("serial", join(byIdDir, id), state, { byIdDir })).key).toBe(first.key);
    expect((await resolveBusTarget("serial", join(dev, "ttyUSB1"), state, { byIdDir })).key).toBe(first.key);
  });

  it("remembers the key of a configured path, so a start before the adapter is plugged in finds the same folder", async () => {
    await writeFile(join(dev, "ttyUSB0"), "");
    await symlink(join(dev, "ttyUSB0"), join(byIdDir, "usb-CH340-if00"));
    const path = join(dev, "ttyUSB0");
    const plugged = await resolveBusTarget("serial", path, state, { byIdDir });
    await rm(join(byIdDir, "usb-CH340-if00"));
    await rm(path);
    const unplugged = await resolveBusTarget("serial", path, state, { byIdDir });
    expect(unplugged).toMatchObject({ key: plugged.key, basis: "serial-remembered" });
    // Without a state directory (or a note) a missing device falls back to its path.
    expect((await resolveBusTarget("serial", path, undefined, { byIdDir })).basis).toBe("serial-path");
  });

  it("falls back to the configured path where udev made no by-id link (a pty, a container without /dev/serial)", async () => {
    await writeFile(join(dev, "ttyV0"), "");
    const target = await resolveBusTarget("serial", join(dev, "ttyV0"), state, {
      byIdDir: join(root, "missing"),
    });
    expect(target.basis).toBe("serial-path");
    expect(target.key).toBe(safeKey(`serial-${join(dev, "ttyV0")}`));
  });

  it("makes file-name-safe keys, cut with a hash when long, and notes in each folder which target it is for", async () => {
    expect(safeKey("serial-/dev/ttyUSB0")).toBe("serial-_dev_ttyUSB0");
    const long = safeKey(`tcp-${"a".repeat(300)}-1`);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).not.toBe(safeKey(`tcp-${"a".repeat(301)}-1`));
    const directory = await targetStateDirectory(
      state,
      await resolveBusTarget("tcp", "tcp://10.0.0.5:4001", state),
    );
    expect(directory.path).toBe(join(state.path, "buses", "tcp-10.0.0.5-4001"));
    const note = await directory.read(
      "target.json",
      (v): v is Record<string, unknown> => typeof v === "object",
    );
    expect(note).toMatchObject({
      key: "tcp-10.0.0.5-4001",
      configured: "tcp://10.0.0.5:4001",
      simulated: false,
    });
  });
});
