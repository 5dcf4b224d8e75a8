/**
 * The dashboard's weight and how fast it shows values, in Debian's Chromium against the gateway on
 * the simulator (127.0.0.1):
 *
 * - page weight: every asset the build makes (index.html, script, stylesheet), raw, gzip and
 *   brotli, against the target of < 150 KB; and what the browser actually transferred;
 * - time to first values: navigation start → the first overview value on screen (the page's own
 *   `gm3:first-values` performance mark), cold (no cache) and warm (assets cached, index.html
 *   revalidated), also counted from the load event (target: < 300 ms after load);
 * - the table: opening "All parameters" with ~1,800 parameters and a search keystroke, to the
 *   next frame.
 *
 * Asserts nothing; prints figures.   npx tsx bench/dashboard.ts [loads per variant, default 10]
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { buildDashboard } from "../scripts/build-dashboard.js";
import { type Browser, launchBrowser } from "../test/helpers/browser.js";
import { startDashboardGateway } from "../test/helpers/dashboard.js";

const LOADS = Number(process.argv[2] ?? 10);
const WEIGHT_TARGET_BYTES = 150 * 1000;
const AFTER_LOAD_TARGET_MS = 300;
const KB = 1000;

interface LoadTiming {
  firstValuesMs: number;
  domContentLoadedMs: number;
  loadEventMs: number;
  parametersRequestMs: number;
  /** Bodies of the page and its assets as sent (compressed), whether or not from the cache. */
  assetBytesOnWire: number;
  parametersBytesOnWire: number;
}

const FIRST_VALUES = `new Promise((resolve) => {
  const look = () => {
    const mark = performance.getEntriesByName("gm3:first-values")[0];
    if (mark) resolve(mark.startTime); else setTimeout(look, 2);
  };
  look();
})`;

const TIMINGS = `(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const api = resources.find((r) => r.name.endsWith("/api/parameters"));
  const assets = resources.filter((r) => r.name.includes("/assets/"));
  return {
    domContentLoadedMs: nav.domContentLoadedEventEnd,
    loadEventMs: nav.loadEventEnd,
    parametersRequestMs: api ? api.responseEnd - api.startTime : NaN,
    assetBytesOnWire: nav.encodedBodySize + assets.reduce((sum, r) => sum + r.encodedBodySize, 0),
    parametersBytesOnWire: api ? api.encodedBodySize : NaN,
  };
})()`;

async function load(page: Page, url: string): Promise<LoadTiming> {
  await page.goto(url, { waitUntil: "load" });
  const firstValuesMs = (await page.evaluate(FIRST_VALUES)) as number;
  const timings = (await page.evaluate(TIMINGS)) as Omit<LoadTiming, "firstValuesMs">;
  return { firstValuesMs, ...timings };
}

/** ms from a hash change or keystroke to the frame after the table is filled. */
async function tableTimings(page: Page, url: string): Promise<{ openMs: number; searchMs: number }> {
  await page.goto(url, { waitUntil: "load" });
  await page.evaluate(FIRST_VALUES);
  const openMs = (await page.evaluate(`new Promise((resolve) => {
    const start = performance.now();
    location.hash = "#/parameters";
    const look = () => {
      if (document.querySelectorAll(".spacer .row").length > 0) requestAnimationFrame(() => resolve(performance.now() - start));
      else requestAnimationFrame(look);
    };
    look();
  })`)) as number;
  const searchMs = (await page.evaluate(`new Promise((resolve) => {
    const input = document.querySelector("#param-search");
    const count = document.querySelector(".view.parameters .count");
    const before = count.textContent;
    const start = performance.now();
    input.value = "temp";
    input.dispatchEvent(new Event("input"));
    const look = () => {
      if (count.textContent !== before) requestAnimationFrame(() => resolve(performance.now() - start - 80));
      else setTimeout(look, 1);
    };
    look();
  })`)) as number;
  return { openMs, searchMs };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const fmt = (ms: number) => `${ms.toFixed(0).padStart(4)} ms`;

function report(label: string, runs: LoadTiming[]): void {
  const first = runs.map((r) => r.firstValuesMs);
  const afterLoad = runs.map((r) => r.firstValuesMs - r.loadEventMs);
  console.log(
    `${label.padEnd(6)} first values ${fmt(median(first))} median (min ${fmt(Math.min(...first))}, max ${fmt(Math.max(...first))}) from navigation start;` +
      ` load event ${fmt(median(runs.map((r) => r.loadEventMs)))};` +
      ` values ${fmt(median(afterLoad))} after load (target < ${AFTER_LOAD_TARGET_MS} ms: ${median(afterLoad) < AFTER_LOAD_TARGET_MS ? "met" : "MISSED"});` +
      ` GET api/parameters ${fmt(median(runs.map((r) => r.parametersRequestMs)))};` +
      ` page and assets ${(median(runs.map((r) => r.assetBytesOnWire)) / KB).toFixed(1)} kB on the wire,` +
      ` parameters ${(median(runs.map((r) => r.parametersBytesOnWire)) / KB).toFixed(1)} kB`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "gm3-bench-dashboard-"));
  const built = await buildDashboard(dir);
  await rm(dir, { recursive: true, force: true });
  console.log("page weight (every asset the page loads):");
  for (const asset of built.assets) {
    console.log(
      `  ${asset.path.padEnd(28)} ${(asset.bytes / KB).toFixed(1).padStart(6)} kB raw, ${(asset.gzipBytes / KB).toFixed(1).padStart(5)} kB gzip, ${(asset.brotliBytes / KB).toFixed(1).padStart(5)} kB brotli`,
    );
  }
  const sum = (pick: (a: (typeof built.assets)[number]) => number) =>
    built.assets.reduce((n, a) => n + pick(a), 0);
  const raw = sum((a) => a.bytes);
  console.log(
    `  total ${(raw / KB).toFixed(1)} kB raw (target < ${WEIGHT_TARGET_BYTES / KB} kB: ${raw < WEIGHT_TARGET_BYTES ? "met" : "MISSED"}),` +
      ` ${(sum((a) => a.gzipBytes) / KB).toFixed(1)} kB gzip, ${(sum((a) => a.brotliBytes) / KB).toFixed(1)} kB brotli` +
      " (plus GET api/parameters, the data itself)",
  );

  const gateway = await startDashboardGateway({ env: { POLL_INTERVAL: "10" } });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    console.log(
      `\n${LOADS} loads each on ${gateway.url} (Chromium ${browser.context.browser()?.version() ?? "?"}):`,
    );
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await load(page, gateway.url); // warm-up: JIT, sockets
    const cold: LoadTiming[] = [];
    for (let i = 0; i < LOADS; i++) cold.push(await load(page, gateway.url));
    report("cold", cold);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
    await load(page, gateway.url);
    const warm: LoadTiming[] = [];
    for (let i = 0; i < LOADS; i++) warm.push(await load(page, gateway.url));
    report("warm", warm);

    const table: { openMs: number; searchMs: number }[] = [];
    for (let i = 0; i < Math.min(LOADS, 5); i++) table.push(await tableTimings(page, gateway.url));
    console.log(
      `\ntable of ${(await gateway.app.inject({ method: "GET", url: "/health" })).json().parameters_count} parameters:` +
        ` open ${fmt(median(table.map((t) => t.openMs)))}, search keystroke to frame ${fmt(median(table.map((t) => t.searchMs)))}` +
        " (after the 80 ms input debounce), median",
    );
  } finally {
    await browser?.close();
    await gateway.stop();
  }
}

await main();
