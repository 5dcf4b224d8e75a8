/**
 * The dashboard in Debian's Chromium against the gateway on the simulator: the overview shows the
 * simulated controller's values, follows a change made on the simulator without a reload, turns
 * stale when the link is lost, and says it runs on the simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import {
  type DashboardPage,
  openDashboard,
  screenshot,
  tileValue,
  waitForNone,
  waitForText,
} from "../helpers/dashboard-page.js";

let gateway: DashboardGateway;
let browser: Browser;
let view: DashboardPage;

/** A value as the page shows it: at most two decimals. */
const shown = (value: unknown) => String(Math.round(Number(value) * 100) / 100);

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startDashboardGateway(), launchBrowser()]);
  view = await openDashboard(browser, gateway.url);
});

afterAll(async () => {
  await view?.close();
  await browser?.close();
  await gateway?.stop();
});

describe("overview", () => {
  it("shows the simulated controller's values, chosen by name, with units", async () => {
    const { page } = view;
    await tileValue(page, 68).waitFor();
    await page.locator(".overview [data-tile] .value").filter({ hasText: /./ }).first().waitFor();
    const controller = gateway.sim.controller;
    for (const index of [68, 61, 103, 1134, 1135, 1365]) {
      expect(await tileValue(page, index).textContent(), `parameter ${index}`).toBe(
        shown(controller.getValue(index)),
      );
    }
    expect(await page.locator('[data-tile="heatpump-state"] .value').textContent()).toBe(
      controller.getValue(1350) === 1 ? "heating" : String(controller.getValue(1350)),
    );
    expect(await page.locator('[data-tile="outside-outdoor"] .unit').textContent()).toBe("°C");
    expect(await page.locator('[data-tile="heatpump-compressor"] .unit').textContent()).toBe("Hz");
    // Circuit 1 is off on the simulator (Circuit1active = 0), circuit 2 is on.
    const groups = await page.locator(".overview .group h3").allTextContents();
    expect(groups).toContain("Circuit 2 · UFH");
    expect(groups.some((title) => title.startsWith("Circuit 1"))).toBe(false);
    // Circuit 2's room temperature is Circuit2thermostatTemp (327), not Circuit2thermostat. The
    // simulated panel copies the wired thermostat's reading into it at its first thermostat poll,
    // so the page shows the new value from the gateway's next poll on (bounded wait, no sleep).
    const room = page.locator('[data-tile="circuit2-room"]');
    await expect
      .poll(async () => (await room.locator(".value").textContent()) === shown(controller.getValue(327)), {
        timeout: 30_000,
        interval: 200,
      })
      .toBe(true);
    expect(await room.locator(".unit").textContent()).toBe("°C");
    expect(await room.locator(".param-name").textContent()).toBe("Circuit2thermostatTemp · 327");
    expect(view.errors).toEqual([]);
  });

  it("names every button uniquely: the group is in the name (hot water's and circuit 2's Mode)", async () => {
    const buttons = view.page.locator(".overview").getByRole("button");
    const names = await buttons.evaluateAll((elements) => elements.map((e) => e.getAttribute("aria-label")));
    expect(names.length).toBeGreaterThan(20);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      "Change Mode (Hot water)",
      "Trend of Mode (Hot water)",
      "Change Mode (Circuit 2 · UFH)",
      "Trend of Mode (Circuit 2 · UFH)",
    ]) {
      expect(names).toContain(name);
    }
  });

  it("shows a banner saying the data comes from the simulator", async () => {
    const banner = view.page.locator(".banner.sim");
    await banner.waitFor({ state: "visible" });
    expect(await banner.textContent()).toContain("SIMULATED heat pump");
    // The timing in effect is named: here the default, a real bus's (SIM_TIMING=field).
    await banner.filter({ hasText: "field timing: the token comes every ~10 s, as on a real bus" }).waitFor();
  });

  it("shows a change made on the simulator without a reload, over the WebSocket", async () => {
    const { page } = view;
    await page.locator('.conn[data-mode="live"]').waitFor();
    expect(await page.locator(".conn").textContent()).toBe("Live");
    const polls = () => view.requests.filter((r) => r === "GET /api/parameters").length;
    const pollsBefore = polls();
    await page.evaluate("window.notReloaded = true");
    const before = Number(gateway.sim.controller.getValue(68));
    const next = before + 2.5;
    gateway.sim.controller.setValue(68, next);
    await waitForText(page, '.overview .value[data-index="68"]', shown(next));
    expect(await page.evaluate("window.notReloaded")).toBe(true);
    // The change came as a message on the open socket, not from polling.
    expect(polls()).toBe(pollsBefore);
  });

  it("with reduced motion, marks a changed tile with an outline that goes away", async () => {
    const still = await openDashboard(browser, gateway.url);
    try {
      const { page } = still;
      await page.emulateMedia({ reducedMotion: "reduce" });
      await tileValue(page, 68).filter({ hasText: /\d/ }).waitFor();
      const next = Number(gateway.sim.controller.getValue(68)) + 0.5;
      gateway.sim.controller.setValue(68, next);
      await waitForText(page, '.overview .value[data-index="68"]', shown(next));
      const tile = page.locator('[data-tile="outside-outdoor"]');
      const style = () =>
        tile.evaluate((element) => {
          const computed = element.ownerDocument.defaultView?.getComputedStyle(element);
          return { animation: computed?.animationName, outline: computed?.outlineStyle };
        });
      // The mark (no fading colour) …
      expect((await style()).animation).toMatch(/^mark-[ab]$/);
      // … and gone once it ended, although the class stays.
      await expect.poll(async () => (await style()).outline, { timeout: 10_000 }).toBe("none");
      expect(await tile.getAttribute("class")).toMatch(/flash-[ab]/);
      expect(still.errors).toEqual([]);
    } finally {
      await still.close();
    }
  });

  it("turns stale when the gateway loses the controller, says so once, and current again when it is back", async () => {
    const { page } = view;
    expect(await page.locator(".overview.stale").count()).toBe(0);
    // Every text the status region takes from now on, in order (a screen reader reads each).
    await page.evaluate(`(() => {
      const region = document.querySelector('.overview [role="status"]');
      window.announced = [];
      new MutationObserver(() => window.announced.push(region.textContent)).observe(region, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    })()`);
    const announcements = async () => (await page.evaluate("window.announced")) as string[];
    const unpluggedAt = Date.now();
    gateway.sim.faults.unplug();
    await page.locator(".overview.stale").waitFor({ timeout: 10_000 });
    const note = page.locator(".stale-note");
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toMatch(/^Stale: these values may be old/);
    // The note's age ticks every second: it is in no live region.
    expect(await note.evaluate((element) => element.closest('[role="status"], [aria-live]') === null)).toBe(
      true,
    );
    // The reason first reported is the lost link; the gateway's first reconnection attempt (50 ms
    // later, or later on a loaded machine) replaces it with the refused attachment. The note shows
    // the latest; the status region announced the first it heard, and does not announce again for
    // the same state in new words.
    const notConnected = "Stale: these values may be old — the bus link is down: ";
    // The served values' age and how long they are still served tick: numbers are any numbers.
    const serving = String.raw`; serving the last values, \d+ s old, marked stale, for \d+ s more\.`;
    const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    const lost = new RegExp(
      `^${literal(`${notConnected}sim:// failed: the simulated RS-485 link was unplugged`)}${serving}$`,
    );
    const refused = new RegExp(
      `^${literal(`${notConnected}cannot attach to sim://: the simulated RS-485 link is unplugged; retry after it is plugged back in`)}${serving}$`,
    );
    await page
      .locator(".stale-note .stale-state")
      .filter({ hasText: refused })
      .first()
      .waitFor({ timeout: 10_000 });
    const live = page.locator('.overview [role="status"]');
    const [announced] = await announcements();
    expect(announced).toSatisfy((text: string) => lost.test(text) || refused.test(text));
    // The age is the data's: since the gateway last read the controller (just before the unplug).
    const age = async () => {
      const text = (await note.locator(".stale-age").textContent()) ?? "";
      const match = /^The gateway last completed a read of the controller's values (\d+) s ago\.$/.exec(text);
      expect(match, text).not.toBeNull();
      return Number(match?.[1]);
    };
    const first = await age();
    await expect.poll(age, { timeout: 5_000 }).toBeGreaterThan(first);
    const later = await age();
    expect(later).toBeGreaterThanOrEqual(Math.floor((Date.now() - unpluggedAt) / 1000) - 2);
    // Seconds later, with the age ticking and the reconnection attempts refused: said once.
    expect(await announcements()).toEqual([announced]);
    expect(await live.textContent()).toBe(announced);
    await screenshot(page, "overview-stale-desktop");
    gateway.sim.faults.plugIn();
    await waitForNone(page, ".overview.stale", 15_000);
    expect(await live.textContent()).toBe("The values are current again.");
    expect(await note.isVisible()).toBe(false);
    // On the way back it may say that the controller is connected and being read (a new state).
    const all = await announcements();
    expect(all.filter((text) => text.startsWith(notConnected))).toEqual([announced]);
    expect(all.at(-1)).toBe("The values are current again.");
    expect(view.errors).toEqual([]);
  });
});

describe("without the WebSocket (WS_ENABLED=false)", () => {
  let fallback: DashboardGateway;
  let page: DashboardPage;

  beforeAll(async () => {
    fallback = await startDashboardGateway({ env: { WS_ENABLED: "false" } });
    page = await openDashboard(browser, fallback.url);
  });

  afterAll(async () => {
    await page?.close();
    await fallback?.stop();
  });

  it("polls GET /api/parameters, says so, and still shows changes", async () => {
    await page.page.locator('.conn[data-mode="polling"]').waitFor();
    expect(await page.page.locator(".conn").textContent()).toBe(
      "Live updates unavailable — refreshing every 1 s",
    );
    const next = Number(fallback.sim.controller.getValue(61)) - 1.5;
    fallback.sim.controller.setValue(61, next);
    await waitForText(page.page, '.overview .value[data-index="61"]', shown(next));
    expect(page.requests.filter((r) => r === "GET /api/parameters").length).toBeGreaterThan(1);
    expect(page.errors).toEqual([]);
  });
});
