/**
 * Issue 16, the dashboard's room thermostat card in a real Chromium, against the simulated heat
 * pump with a real VirtualThermostat on the gateway's bus: unpaired with the "nothing received"
 * warning, the pair button opening the 60 s window with its countdown and what to do on the
 * panel, the panel pairing it, a temperature received (source, value, age, no warning), the feed
 * going stale (warning back, pushed by the live stream's `thermostat` message), at a phone's width
 * without overflow; no card while disabled.
 *
 * The HTTP calls answer through the VirtualThermostat handed to the API as the core hands it its
 * own; the card reads only GET /api/thermostat/status and POST /api/thermostat/pair.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerLiveStream } from "../../src/bridges/ws/plugin.js";
import { VirtualThermostat } from "../../src/thermostat/virtual-thermostat.js";
import { systemClock } from "../../src/util/clock.js";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import { openDashboard, PHONE, screenshot } from "../helpers/dashboard-page.js";

const MAX_AGE_MS = 4_000;

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("the room thermostat card", () => {
  let gateway: DashboardGateway;
  let thermostat: VirtualThermostat;

  beforeAll(async () => {
    thermostat = await VirtualThermostat.open({ clock: systemClock, enabled: true, maxAgeMs: MAX_AGE_MS });
    gateway = await startDashboardGateway({
      thermostat,
      sim: { wiredThermostat: false },
      // The live stream with the thermostat, registered here instead of the helper's own.
      env: { WS_ENABLED: "false" },
      register: async (app, config, core) => {
        await registerLiveStream(app, { core, config, logger: pino({ level: "silent" }), thermostat });
      },
    });
    gateway.core.bus.setResponder(thermostat);
  }, 60_000);

  afterAll(async () => {
    thermostat?.close();
    await gateway?.stop();
  });

  it("pairs from the button with the countdown and the panel's part, then shows the value, its source and age, and the stale warning", async () => {
    const view = await openDashboard(browser, gateway.url);
    const { page } = view;
    try {
      const card = page.getByRole("region", { name: "Room thermostat" });
      await card.waitFor();
      const field = (name: string) => card.locator(`[data-field="${name}"]`);
      expect(await field("pairing").textContent()).toBe("not paired");
      expect(await field("last").textContent()).toBe("none yet");
      expect(await field("source").textContent()).toMatch(/fallback/);
      const warning = card.locator(".thermostat-stale");
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.textContent()).toMatch(/No room temperature received yet/);

      const pair = card.getByRole("button", { name: "Pair with the panel" });
      await pair.click();
      const help = card.locator(".pair-help");
      await help.waitFor();
      expect(await help.textContent()).toMatch(
        /on the heat pump's panel, start the search for a new room thermostat/,
      );
      const secondsLeft = async () => Number(/(\d+) s left/.exec((await help.textContent()) ?? "")?.[1]);
      const first = await secondsLeft();
      expect(first).toBeGreaterThan(55);
      expect(first).toBeLessThanOrEqual(60);
      await expect.poll(secondsLeft, { timeout: 5_000 }).toBeLessThan(first);
      expect(await pair.isDisabled()).toBe(true);
      expect(await pair.getAttribute("aria-describedby")).toBe("thermostat-pair-help");
      expect(thermostat.status().pairing_state).toBe("pairing_requested");

      // The person puts the panel in pairing mode.
      gateway.sim.panel.startPairing(60_000);
      await expect
        .poll(() => field("pairing").textContent(), { timeout: 20_000 })
        .toMatch(/^paired \(bus address \d+\)$/);
      expect(await help.isVisible()).toBe(false);
      expect(await pair.isDisabled()).toBe(false);

      const posted = await fetch(`${gateway.url}api/thermostat/temperature`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ temperature: 21.5 }),
      });
      expect(posted.status).toBe(200);
      // No reload and no 10 s read: the live stream's thermostat message (within a second).
      await expect.poll(() => field("last").textContent(), { timeout: 5_000 }).toBe("21.5 °C");
      expect(await field("effective").textContent()).toBe("21.5 °C");
      expect(await field("source").textContent()).toBe("Home Assistant");
      expect(await field("age").textContent()).toMatch(/ago$/);
      expect(await warning.isVisible()).toBe(false);
      await screenshot(page, "thermostat-card-desktop");

      // Nothing more arrives: past THERMOSTAT_MAX_AGE the stream says so and the card warns.
      await expect.poll(() => warning.isVisible(), { timeout: MAX_AGE_MS + 5_000 }).toBe(true);
      expect(await warning.textContent()).toMatch(/^Stale: no room temperature received for more than/);
      expect(await warning.textContent()).toMatch(/21\.5 °C/);
      expect(view.errors).toEqual([]);
    } finally {
      await view.close();
    }
  }, 90_000);

  it("fits a phone's width, the pair button reachable", async () => {
    const view = await openDashboard(browser, gateway.url, PHONE);
    const { page } = view;
    try {
      const card = page.getByRole("region", { name: "Room thermostat" });
      await card.waitFor();
      await card.scrollIntoViewIfNeeded();
      const box = await card.boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
      const scrollWidth = (await page.evaluate("document.documentElement.scrollWidth")) as number;
      expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
      const pair = card.getByRole("button", { name: "Pair with the panel" });
      expect(await pair.isVisible()).toBe(true);
      await screenshot(page, "thermostat-card-phone");
      expect(view.errors).toEqual([]);
    } finally {
      await view.close();
    }
  });
});

describe("the room thermostat card while the thermostat is disabled", () => {
  it("is not shown", async () => {
    const gateway = await startDashboardGateway();
    try {
      const view = await openDashboard(browser, gateway.url);
      try {
        await view.page.locator(".overview .tile").first().waitFor();
        await expect
          .poll(() => view.requests.includes("GET /api/thermostat/status"), { timeout: 5_000 })
          .toBe(true);
        expect(await view.page.getByRole("region", { name: "Room thermostat" }).count()).toBe(0);
        expect(await view.page.locator(".card.thermostat").isVisible()).toBe(false);
      } finally {
        await view.close();
      }
    } finally {
      await gateway.stop();
    }
  }, 60_000);
});
