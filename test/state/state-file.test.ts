/**
 * State files are replaced atomically and durably: the new content is written to a temporary file,
 * flushed to the storage (fsync) before the rename, and the directory is flushed after it, so a power
 * cut on a Pi's SD card leaves either the old file or the new one, never an empty one. No real power
 * cut can run here: the test records the calls the state directory makes on the real file system
 * (every call goes through to it) and checks their order.
 */
import * as fs from "node:fs/promises";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateDirectory, type StateFileSystem } from "../../src/state/state-file.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gm3-state-file-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The real file system, with every call on it (and on the handles it opens) recorded. */
function recordingFs(calls: string[], failWrites = false): StateFileSystem {
  const name = (path: string) =>
    path === dir ? "<dir>" : path.startsWith(dir) ? path.slice(dir.length + 1) : path;
  return {
    mkdir: (path, options) => {
      calls.push(`mkdir ${name(String(path))}`);
      return fs.mkdir(path, options);
    },
    rename: (from, to) => {
      calls.push(`rename ${name(String(from))} -> ${name(String(to))}`);
      return fs.rename(from, to);
    },
    rm: (path, options) => {
      calls.push(`rm ${name(String(path))}`);
      return fs.rm(path, options);
    },
    readFile: fs.readFile,
    open: async (path, flags, mode) => {
      const handle = await fs.open(path, flags, mode);
      const label = name(String(path));
      calls.push(`open ${label}`);
      return {
        writeFile: async (data: string) => {
          calls.push(`write ${label}`);
          if (failWrites) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
          await handle.writeFile(data);
        },
        sync: async () => {
          calls.push(`sync ${label}`);
          await handle.sync();
        },
        close: async () => {
          calls.push(`close ${label}`);
          await handle.close();
        },
      };
    },
  };
}

describe("StateDirectory.write", () => {
  it("writes a temporary file, syncs it, renames it into place, then syncs the directory", async () => {
    const calls: string[] = [];
    const state = new StateDirectory(dir, recordingFs(calls));
    await state.write("bus-address.json", { address: 114 });
    const temporary = `bus-address.json.${process.pid}.tmp`;
    expect(calls).toEqual([
      "mkdir <dir>",
      `open ${temporary}`,
      `write ${temporary}`,
      `sync ${temporary}`,
      `close ${temporary}`,
      `rename ${temporary} -> bus-address.json`,
      "open <dir>",
      "sync <dir>",
      "close <dir>",
    ]);
    expect(JSON.parse(await readFile(join(dir, "bus-address.json"), "utf8"))).toEqual({ address: 114 });
    expect(await readdir(dir)).toEqual(["bus-address.json"]);
  });

  it("keeps the old file and leaves no temporary file when the write fails", async () => {
    await writeFile(join(dir, "bus-address.json"), '{"address":120}\n');
    const calls: string[] = [];
    const state = new StateDirectory(dir, recordingFs(calls, true));
    await expect(state.write("bus-address.json", { address: 114 })).rejects.toThrow(/no space left/);
    expect(calls.some((call) => call.startsWith("rename"))).toBe(false);
    expect(await readFile(join(dir, "bus-address.json"), "utf8")).toBe('{"address":120}\n');
    expect(await readdir(dir)).toEqual(["bus-address.json"]);
  });

  it("writes text files with the mode asked for (a private key: 0600)", async () => {
    const state = new StateDirectory(dir);
    await state.writeText("tls/key.pem", "-----BEGIN PRIVATE KEY-----\n", { mode: 0o600 });
    const { stat } = await import("node:fs/promises");
    expect((await stat(join(dir, "tls", "key.pem"))).mode & 0o777).toBe(0o600);
    expect(await state.readText("tls/key.pem")).toBe("-----BEGIN PRIVATE KEY-----\n");
    expect(await state.readText("tls/missing.pem")).toBeUndefined();
  });
});
