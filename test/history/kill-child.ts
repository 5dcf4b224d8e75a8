/**
 * Child of kill.test.ts: writes batches of 500 samples into the history file given, one
 * transaction each, as fast as it can, and prints "batch N" after each commit until it is killed.
 */
import { HistoryStore } from "../../src/history/index.js";

const path = process.argv[2]!;
const store = HistoryStore.open(path);
store.describe([{ index: 1, name: "P1", unit: "kW" }]);
const BATCH = 500;
for (let batch = 0; batch < 1_000_000; batch++) {
  const samples = Array.from({ length: BATCH }, (_, i) => ({ p: 1, t: batch * BATCH + i, v: i }));
  store.write({ samples, minutes: [], hours: [] });
  process.stdout.write(`batch ${batch + 1}\n`);
}
