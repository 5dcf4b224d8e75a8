/**
 * The top-level files of a state directory from before state was kept per bus target are
 * attributed by what they prove, or kept aside — never used for a bus they may not belong to
 * (src/gateway/legacy-state.ts), on a real file system.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateLegacyState, SIMULATOR_UID } from "../../src/gateway/legacy-state.js";
import { defaultProfile } from "../../src/sim/profile/load.js";
import { resolveBusTarget } from "../../src/state/bus-target.js";
import { StateDirectory } from "../../src/state/state-file.js";

const SAVED_AT = Date.parse("2026-03-01T10:00:00Z");

/** A snapshot file as versions before 2 wrote it (no bus, no fingerprint), with one parameter. */
function legacySnapshot(uid: string, savedAt = SAVED_AT): string {
  return JSON.stringify({
    version: 1,
    savedAt,
    identity: { uid, software: "S024.25", hardware: "H2.3.0" },
    parameters: [
      [10, "regulator", 10, "UID", 12, 0x1c, "", false, { kind: "none" }, { kind: "none" }, uid, savedAt],
    ],
  });
}

function legacyAddress(address: number, claimedAt: number): string {
  return JSON.stringify({ address, claimedAt: new Date(claimedAt).toISOString() });
}

describe("state directories from before state was kept per bus", () => {
  let root: string;
  let state: StateDirectory;
  const serial = () => resolveBusTarget("serial", "/dev/ttyUSB0", state, { byIdDir: join(root, "no-udev") });
  const sim = () => resolveBusTarget("sim", "sim://", state);
  const files = (folder: string) => readdir(join(root, folder)).catch(() => [] as string[]);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "gm3-legacy-"));
    state = new StateDirectory(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("knows the built-in simulator's UID (the profile's index 10)", () => {
    expect(defaultProfile().regulator[10]!.value).toBe(SIMULATOR_UID);
  });

  it("moves the simulator's files to the simulator's folder, never to a real target (the defect: its address and values reused)", async () => {
    await writeFile(join(root, "parameters.json"), legacySnapshot(SIMULATOR_UID));
    await writeFile(join(root, "bus-address.json"), legacyAddress(115, SAVED_AT - 60_000));
    const moves = await migrateLegacyState(state, await serial(), SAVED_AT);
    expect(moves).toEqual([
      expect.objectContaining({
        action: "adopted",
        to: join("buses", "sim"),
        files: ["parameters.json", "bus-address.json"],
      }),
    ]);
    expect(moves[0]!.reason).toMatch(/built-in simulator/);
    expect((await files(join("buses", "sim"))).sort()).toEqual(["bus-address.json", "parameters.json"]);
    expect(await files(join("buses", "serial-_dev_ttyUSB0"))).toEqual([]);
    expect(existsSync(join(root, "parameters.json"))).toBe(false);
    // Run again (the next start): nothing left to do.
    expect(await migrateLegacyState(state, await serial(), SAVED_AT)).toEqual([]);
  });

  it("adopts a real controller's snapshot for a real target, with the address it was polled with", async () => {
    await writeFile(join(root, "parameters.json"), legacySnapshot("REALCONTROLLERUID000001"));
    await writeFile(join(root, "bus-address.json"), legacyAddress(117, SAVED_AT - 3_600_000));
    const target = await serial();
    const moves = await migrateLegacyState(state, target, SAVED_AT);
    expect(moves.map((m) => m.action)).toEqual(["adopted"]);
    expect((await files(join("buses", target.key))).sort()).toEqual(["bus-address.json", "parameters.json"]);
  });

  it("keeps the address aside when it was claimed after the snapshot was taken (no poll proves it is this bus's)", async () => {
    await writeFile(join(root, "parameters.json"), legacySnapshot("REALCONTROLLERUID000001"));
    await writeFile(join(root, "bus-address.json"), legacyAddress(117, SAVED_AT + 60_000));
    const target = await serial();
    const moves = await migrateLegacyState(state, target, SAVED_AT);
    expect(moves.map((m) => [m.action, m.files])).toEqual([
      ["adopted", ["parameters.json"]],
      ["kept-aside", ["bus-address.json"]],
    ]);
    expect(await files(join("buses", target.key))).toEqual(["parameters.json"]);
    expect(await files("unattributed")).toEqual(["bus-address.json"]);
  });

  it("leaves a real controller's files in place when started on the simulator, for the real target to adopt later", async () => {
    await writeFile(join(root, "parameters.json"), legacySnapshot("REALCONTROLLERUID000001"));
    const moves = await migrateLegacyState(state, await sim(), SAVED_AT);
    expect(moves.map((m) => m.action)).toEqual(["left"]);
    expect(existsSync(join(root, "parameters.json"))).toBe(true);
    expect(await files(join("buses", "sim"))).toEqual([]);
    const later = await migrateLegacyState(state, await serial(), SAVED_AT);
    expect(later.map((m) => m.action)).toEqual(["adopted"]);
  });

  it("keeps aside what cannot be attributed: an address alone, an unreadable snapshot, a folder with state of its own", async () => {
    await writeFile(join(root, "bus-address.json"), legacyAddress(115, SAVED_AT));
    expect((await migrateLegacyState(state, await serial(), SAVED_AT)).map((m) => m.action)).toEqual([
      "kept-aside",
    ]);

    await writeFile(join(root, "parameters.json"), "{ not json");
    await writeFile(join(root, "bus-address.json"), legacyAddress(116, SAVED_AT));
    const unreadable = await migrateLegacyState(state, await serial(), SAVED_AT + 1);
    expect(unreadable).toEqual([
      expect.objectContaining({ action: "kept-aside", files: ["parameters.json", "bus-address.json"] }),
    ]);
    // Nothing is deleted: the second address got a suffix next to the first.
    expect((await files("unattributed")).sort()).toEqual([
      "bus-address.json",
      `bus-address.json.${SAVED_AT + 1}`,
      "parameters.json",
    ]);
    expect(readFileSync(join(root, "unattributed", `bus-address.json.${SAVED_AT + 1}`), "utf8")).toContain(
      "116",
    );

    const target = await serial();
    await mkdir(join(root, "buses", target.key), { recursive: true });
    await writeFile(join(root, "buses", target.key, "parameters.json"), legacySnapshot("OWNSTATE"));
    await writeFile(join(root, "parameters.json"), legacySnapshot("REALCONTROLLERUID000001"));
    const occupied = await migrateLegacyState(state, target, SAVED_AT + 2);
    expect(occupied.map((m) => m.action)).toEqual(["kept-aside"]);
    expect(readFileSync(join(root, "buses", target.key, "parameters.json"), "utf8")).toContain("OWNSTATE");
  });
});
