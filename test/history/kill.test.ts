/**
 * `kill -9` mid-batch: a child process writes batches in a loop and is killed with SIGKILL while
 * writing; the database then opens, passes SQLite's integrity check and holds whole batches only
 * (each batch is one transaction), at least as many as the child reported committed.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { HistoryStore } from "../../src/history/index.js";
import { scratchDir } from "./fixture.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("history file after kill -9", () => {
  it("opens, is sound and holds whole batches", async () => {
    const { dir, cleanup } = scratchDir();
    cleanups.push(cleanup);
    const path = join(dir, "history.sqlite");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "kill-child.ts"), path],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let reported = 0;
    const killed = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      const last = [...text.matchAll(/batch (\d+)/g)].at(-1);
      if (last) reported = Number(last[1]);
      // Killed while it is writing: it writes without pause, so the kill lands mid-batch or between.
      if (reported >= 40 && !child.killed) child.kill("SIGKILL");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    expect(await killed).toBe("SIGKILL");
    clearTimeout(timer);
    const store = HistoryStore.open(path);
    try {
      expect(store.integrity()).toBe("ok");
      const rows = store.rowCounts().raw;
      expect(rows % 500).toBe(0);
      expect(rows / 500).toBeGreaterThanOrEqual(reported);
      expect(store.samples(1, 0, 499)).toHaveLength(500);
    } finally {
      store.close();
    }
  }, 40_000);
});
