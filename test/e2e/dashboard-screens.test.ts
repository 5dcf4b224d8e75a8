/**
 * Every view at desktop width and at a phone's 390 px: nothing wider than the screen, the trend
 * chart drawn, and screenshots saved under test-results/screenshots/ for people to look at. One
 * page is resized between the two, so the trend's history is made once.
 */
import { stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import {
  type DashboardPage,
  DESKTOP,
  openDashboard,
  PHONE,
  screenshot,
  tileValue,
  waitForText,
} from "../helpers/dashboard-page.js";
import { eventually } from "../helpers/sim-gateway.js";

let gateway: DashboardGateway;
let browser: Browser;
let view: DashboardPage;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startDashboardGateway(), launchBrowser()]);
  view = await openDashboard(browser, gateway.url, DESKTOP);
  await tileValue(view.page, 68).filter({ hasText: /\d/ }).waitFor();
  // A few outdoor temperatures in the page's history for the trend, each waited for.
  const start = Number(gateway.sim.controller.getValue(68));
  for (const delta of [1.5, -0.75, 2]) {
    const value = Math.round((start + delta) * 100) / 100;
    gateway.sim.controller.setValue(68, value);
    await waitForText(view.page, '.overview .value[data-index="68"]', String(value));
  }
  await eventually(() => gateway.core.status().alarms.lastReadAt !== undefined, "the alarm log read", 10_000);
});

afterAll(async () => {
  await view?.close();
  await browser?.close();
  await gateway?.stop();
});

async function fitsTheScreen(): Promise<void> {
  const [scrollWidth, innerWidth] = (await view.page.evaluate(
    "[document.documentElement.scrollWidth, window.innerWidth]",
  )) as [number, number];
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

describe.each([
  ["desktop", DESKTOP],
  ["phone", PHONE],
])("at %s size", (size, viewport) => {
  it("lays every view out within the screen and saves screenshots", async () => {
    const { page } = view;
    await page.setViewportSize(viewport);
    await page.goto(`${gateway.url}#/overview`);
    await fitsTheScreen();
    // Parameter names under the tiles wrap rather than being cut off (HeatingCopTemporary · 1050).
    await page.locator(".overview .param-name").first().waitFor();
    const cut = await page
      .locator(".overview .param-name")
      .evaluateAll((names) => names.filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent));
    expect(cut).toEqual([]);
    const shots = [await screenshot(page, `overview-${size}`)];

    await page.goto(`${gateway.url}#/parameters`);
    const table = page.locator(".view.parameters");
    await table.getByLabel("Search").fill("HDW");
    await table.locator('.row[data-index="103"]').waitFor();
    const editor = table.locator("form.editor");
    if ((await editor.count()) === 0) {
      await table.getByRole("button", { name: "Edit HDWTSetPoint", exact: true }).click();
    }
    await editor.getByLabel("New value for HDWTSetPoint").fill("90");
    await editor.getByRole("button", { name: "Set HDWTSetPoint", exact: true }).click();
    await editor
      .locator(".editor-message")
      .filter({ hasText: /^Not sent/ })
      .waitFor();
    await fitsTheScreen();
    shots.push(await screenshot(page, `parameters-edit-${size}`, false));

    await page.goto(`${gateway.url}#/alarms`);
    await page.locator(".view.alarms tbody tr").first().waitFor();
    await fitsTheScreen();
    // Dates break between the date and the time, durations between "22 min" and "34 s": never
    // inside one (at a date's hyphen, between a number and its unit).
    const started = page.locator(".view.alarms tbody td:nth-child(3)");
    expect(await started.first().locator(".nowrap").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]),
    );
    const broken = await page
      .locator(".view.alarms tbody td .nowrap")
      .evaluateAll((pieces) => pieces.filter((p) => p.getClientRects().length > 1).map((p) => p.textContent));
    expect(broken).toEqual([]);
    // A date and its time: two lines at most.
    const lines = await started.evaluateAll((cells) =>
      cells.map(
        (cell) =>
          new Set([...cell.querySelectorAll(".nowrap")].map((p) => p.getBoundingClientRect().top)).size,
      ),
    );
    shots.push(await screenshot(page, `alarms-${size}`));
    expect(Math.max(...lines)).toBeLessThanOrEqual(2);

    await page.goto(`${gateway.url}#/status`);
    await page.locator(".view.status .card", { hasText: "Bus statistics" }).waitFor();
    await fitsTheScreen();
    shots.push(await screenshot(page, `status-${size}`));

    await page.goto(`${gateway.url}#/trend/68`);
    const line = page.locator(".view.trend svg path.line");
    await line.waitFor();
    // A step line through the four values seen: M, then H…V per change, then H to now.
    expect((await line.getAttribute("d"))?.match(/V/g)?.length).toBeGreaterThanOrEqual(3);
    expect(await page.locator(".view.trend .summary").textContent()).toMatch(/^TempWthr \(68\): now /);
    await fitsTheScreen();
    shots.push(await screenshot(page, `trend-${size}`));

    for (const path of shots) expect((await stat(path)).size).toBeGreaterThan(1_000);
    expect(view.errors).toEqual([]);
  });
});
