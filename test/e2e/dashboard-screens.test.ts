/**
 * Every view at desktop width and at a phone's 390 px: nothing wider than the screen, the trend
 * chart drawn, and screenshots saved under test-results/screenshots/ for people to look at.
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

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startDashboardGateway(), launchBrowser()]);
  await eventually(() => gateway.core.status().alarms.lastReadAt !== undefined, "the alarm log read", 10_000);
});

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

/** Puts a few outdoor temperatures in the page's history, waiting for each to show. */
async function moveOutdoorTemperature(view: DashboardPage): Promise<void> {
  const start = Number(gateway.sim.controller.getValue(68));
  for (const delta of [1.5, -0.75, 2]) {
    const value = Math.round((start + delta) * 100) / 100;
    gateway.sim.controller.setValue(68, value);
    await waitForText(view.page, '.overview .value[data-index="68"]', String(value));
  }
}

async function fitsTheScreen(view: DashboardPage): Promise<void> {
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
    const view = await openDashboard(browser, gateway.url, viewport);
    const { page } = view;
    try {
      await tileValue(page, 68).filter({ hasText: /\d/ }).waitFor();
      await moveOutdoorTemperature(view);
      await fitsTheScreen(view);
      const shots = [await screenshot(page, `overview-${size}`)];

      await page.goto(`${gateway.url}#/parameters`);
      await page.locator(".view.parameters").getByLabel("Search").fill("HDW");
      await page.locator('.view.parameters .row[data-index="103"]').waitFor();
      await page
        .locator(".view.parameters")
        .getByRole("button", { name: "Edit HDWTSetPoint", exact: true })
        .click();
      const editor = page.locator(".view.parameters form.editor");
      await editor.getByLabel("New value for HDWTSetPoint").fill("90");
      await editor.getByRole("button", { name: "Set HDWTSetPoint", exact: true }).click();
      await editor
        .locator(".editor-message")
        .filter({ hasText: /^Not sent/ })
        .waitFor();
      await fitsTheScreen(view);
      shots.push(await screenshot(page, `parameters-edit-${size}`, false));

      await page.goto(`${gateway.url}#/alarms`);
      await page.locator(".view.alarms tbody tr").first().waitFor();
      await fitsTheScreen(view);
      shots.push(await screenshot(page, `alarms-${size}`));

      await page.goto(`${gateway.url}#/status`);
      await page.locator(".view.status .card", { hasText: "Bus statistics" }).waitFor();
      await fitsTheScreen(view);
      shots.push(await screenshot(page, `status-${size}`));

      await page.goto(`${gateway.url}#/trend/68`);
      const line = page.locator(".view.trend svg path.line");
      await line.waitFor();
      // A step line through the four values seen: M, then H…V per change, then H to now.
      expect((await line.getAttribute("d"))?.match(/V/g)?.length).toBeGreaterThanOrEqual(3);
      expect(await page.locator(".view.trend .summary").textContent()).toMatch(/^TempWthr \(68\): now /);
      await fitsTheScreen(view);
      shots.push(await screenshot(page, `trend-${size}`));

      for (const path of shots) expect((await stat(path)).size).toBeGreaterThan(1_000);
      expect(view.errors).toEqual([]);
    } finally {
      await view.close();
    }
  });
});
