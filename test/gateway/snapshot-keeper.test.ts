/**
 * The snapshot keeper saves after a complete poll without making the poll wait for the disk: the
 * poll holds the bus token, and an SD card's fsync can take seconds. Saves never overlap, the save
 * at stop comes after one under way, and a discard is not undone by a save still being written.
 * Real files in a temporary folder; the test holds the disk's rename back until it lets it go.
 */
import * as fs from "node:fs/promises";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SNAPSHOT_FILE } from "../../src/gateway/snapshot.js";
import { SnapshotKeeper } from "../../src/gateway/snapshot-keeper.js";
import { TypeCode } from "../../src/protocol/index.js";
import { parseUnit } from "../../src/protocol/units.js";
import { StateDirectory, type StateFileSystem } from "../../src/state/state-file.js";
import { ParameterStore } from "../../src/store/parameter-store.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gm3-keeper-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The real file system, whose renames wait until the test calls `release()`. */
function heldDisk() {
  let renames = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const disk: StateFileSystem = {
    mkdir: fs.mkdir,
    rm: fs.rm,
    readFile: fs.readFile,
    open: fs.open,
    rename: async (from, to) => {
      renames++;
      await gate;
      return fs.rename(from, to);
    },
  };
  return {
    disk,
    renames: () => renames,
    release: () => release(),
  };
}

function polledStore(value: number): ParameterStore {
  const store = new ParameterStore({ ttlMs: 60_000, maxSize: 10 });
  store.setDefinitions([
    {
      index: 103,
      space: "regulator",
      wireIndex: 103,
      name: "HDWTSetPoint",
      rawName: "HDWTSetPoint",
      type: TypeCode.UINT8,
      typeByte: TypeCode.UINT8,
      unit: parseUnit("°C"),
      writable: true,
      min: { kind: "literal", value: 35 },
      max: { kind: "literal", value: 65 },
      exposed: true,
    },
  ]);
  store.setValue(103, value, 0, 1_000);
  store.markPollComplete(1_000);
  return store;
}

const keeperOn = (directory: StateDirectory) =>
  new SnapshotKeeper({
    directory,
    bus: { key: "sim", simulated: true },
    intervalMs: 0,
    logger: pino({ level: "silent" }),
    describe: dir,
  });

/** Lets the event loop run until `condition` holds (bounded: real file I/O finishes in ms). */
async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 2_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  if (!condition()) throw new Error(`never: ${what}`);
}

describe("SnapshotKeeper", () => {
  it("starts the first save and returns before the disk has finished", async () => {
    const disk = heldDisk();
    const keeper = keeperOn(new StateDirectory(dir, disk.disk));
    expect(keeper.maybeSave(polledStore(46), undefined, 1_000)).toBeUndefined();
    await until(() => disk.renames() === 1, "the save reached the rename");
    // The caller went on while the file was still being put in place.
    expect(await readdir(dir)).not.toContain(SNAPSHOT_FILE);
    disk.release();
    await keeper.save(polledStore(46), undefined, 2_000); // waits for the one under way, then saves
    expect(await readdir(dir)).toContain(SNAPSHOT_FILE);
  });

  it("never starts a second save while one is under way, and saves at stop after it", async () => {
    const disk = heldDisk();
    const directory = new StateDirectory(dir, disk.disk);
    const keeper = keeperOn(directory);
    keeper.maybeSave(polledStore(46), undefined, 1_000);
    await until(() => disk.renames() === 1, "the first save reached the rename");
    keeper.maybeSave(polledStore(47), undefined, 2_000); // due (nothing saved yet), but one is under way
    const stop = keeper.save(polledStore(48), undefined, 3_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(disk.renames()).toBe(1);
    disk.release();
    await stop;
    expect(disk.renames()).toBe(2);
    const restored = polledStore(0);
    const snapshot = await keeperOn(new StateDirectory(dir)).restore(restored);
    expect(snapshot).toBeDefined();
    expect(restored.get(103)?.value).toBe(48);
  });

  it("discards after a save under way, so the discarded file does not come back", async () => {
    const disk = heldDisk();
    const keeper = keeperOn(new StateDirectory(dir, disk.disk));
    keeper.maybeSave(polledStore(46), undefined, 1_000);
    await until(() => disk.renames() === 1, "the save reached the rename");
    const discarded = keeper.discard("another controller");
    disk.release();
    await discarded;
    expect(await readdir(dir)).not.toContain(SNAPSHOT_FILE);
  });
});
