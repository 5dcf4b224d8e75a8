/**
 * The dashboard's simulator banner names the faster demo timing when SIM_TIMING=demo, so nobody
 * takes the demo's quick token for a real bus's (the default, field timing, is checked in
 * dashboard-overview.test.ts). Debian's Chromium against the gateway on the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import { type DashboardPage, openDashboard } from "../helpers/dashboard-page.js";

let gateway: DashboardGateway;
let browser: Browser;
let view: DashboardPage;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([
    startDashboardGateway({ env: { SIM_TIMING: "demo" }, waitForData: false }),
    launchBrowser(),
  ]);
  view = await openDashboard(browser, gateway.url);
});

afterAll(async () => {
  await view?.close();
  await browser?.close();
  await gateway?.stop();
});

describe("simulator banner", () => {
  it("says the data is simulated at demo timing, and what a real bus does", async () => {
    const banner = view.page.locator(".banner.sim");
    await banner
      .filter({ hasText: "demo timing: the token comes every ~2.6 s here, every ~10 s on a real bus" })
      .waitFor({ state: "visible" });
    expect(await banner.textContent()).toMatch(/^SIMULATED heat pump — demo timing/);
    expect(view.errors).toEqual([]);
  });
});
