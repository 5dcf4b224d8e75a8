/**
 * The dashboard against gateways set up differently: the alarm log newest first with the active
 * alarm marked; API keys (asked once, kept for the tab, a read-only key refused for writes and
 * another key asked for); read-only mode; the status page's link, bus and version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlarmRecord } from "../../src/protocol/index.js";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import { openDashboard, tileValue } from "../helpers/dashboard-page.js";
import { eventually, TEST_GATEWAY_ADDRESS } from "../helpers/sim-gateway.js";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const at = (year: number, month: number, day: number, hour: number, minute: number, second: number) => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

/** Deliberately not in date order in the panel's log. */
const ALARMS: AlarmRecord[] = [
  { code: 7, from: at(2025, 12, 30, 5, 3, 0), to: at(2025, 12, 30, 5, 10, 30) },
  { code: 2, from: at(2026, 1, 20, 7, 14, 2), to: undefined },
  { code: 15, from: at(2026, 1, 18, 22, 40, 11), to: at(2026, 1, 18, 23, 2, 45) },
  { code: 31, from: at(2026, 1, 19, 10, 0, 0), to: at(2026, 1, 19, 13, 5, 0) },
];

describe("alarms and status", () => {
  let gateway: DashboardGateway;

  beforeAll(async () => {
    gateway = await startDashboardGateway({ sim: { alarms: ALARMS } });
    await eventually(
      () => gateway.core.status().alarms.lastReadAt !== undefined,
      "the alarm log read",
      10_000,
    );
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it("lists the alarm log newest first, the active alarm marked, with durations", async () => {
    const view = await openDashboard(browser, `${gateway.url}#/alarms`);
    try {
      const rows = view.page.locator(".view.alarms tbody tr");
      await rows.nth(ALARMS.length - 1).waitFor();
      const cells = await rows.evaluateAll((trs) =>
        trs.map((tr) => [...tr.children].map((td) => td.textContent ?? "")),
      );
      expect(cells.map((row) => row[1])).toEqual(["2", "31", "15", "7"]);
      expect(cells.map((row) => row[0])).toEqual(["Active", "Ended", "Ended", "Ended"]);
      expect(cells[0]?.[3]).toBe("—");
      expect(cells[0]?.[4]).toMatch(/ so far$/);
      expect(cells.slice(1).map((row) => row[4])).toEqual(["3 h 5 min", "22 min 34 s", "7 min 30 s"]);
      expect(cells[1]?.[2]).toBe("2026-01-19 10:00:00");
      expect(await rows.first().getAttribute("class")).toBe("active");
      expect(await view.page.locator(".view.alarms .summary").textContent()).toBe(
        "4 alarms in the log, 1 active.",
      );
      expect(view.errors).toEqual([]);
    } finally {
      await view.close();
    }
  });

  it("shows the link, bus address, discovery, polling, statistics and version", async () => {
    const view = await openDashboard(browser, `${gateway.url}#/status`);
    try {
      const cards = view.page.locator(".view.status .card");
      await cards.filter({ hasText: "Bus statistics" }).waitFor();
      const text = (title: string) =>
        cards.filter({ has: view.page.locator("h3", { hasText: new RegExp(`^${title}$`) }) }).textContent();
      expect(await text("Link")).toContain("built-in simulator");
      expect(await text("Bus")).toContain(`Bus address${TEST_GATEWAY_ADDRESS} (`);
      expect(await text("Gateway")).toContain("Version0.0.0-test");
      expect(await text("Discovery")).toContain("Statecomplete");
      expect(await text("Polling")).toMatch(/Cycles\d+/);
      expect(await text("Bus statistics")).toMatch(/frames in[1-9]/);
    } finally {
      await view.close();
    }
  });
});

describe("API keys", () => {
  let gateway: DashboardGateway;

  beforeAll(async () => {
    gateway = await startDashboardGateway({ env: { API_KEY: "write-secret", API_READ_KEY: "read-secret" } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it("asks once, asks again for a wrong key, keeps the key for the tab, and asks for another key to write", async () => {
    const view = await openDashboard(browser, gateway.url);
    const { page } = view;
    try {
      const dialog = page.getByRole("dialog", { name: "API key" });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain("This gateway needs an API key.");
      await dialog.getByLabel("Key", { exact: true }).fill("guess");
      await dialog.getByRole("button", { name: "Use key" }).click();
      await dialog.filter({ hasText: "The API key was not accepted" }).waitFor();
      await dialog.getByLabel("Key", { exact: true }).fill("read-secret");
      await dialog.getByRole("button", { name: "Use key" }).click();
      await tileValue(page, 68).filter({ hasText: /\d/ }).waitFor();
      expect(await dialog.isVisible()).toBe(false);
      // The WebSocket takes the key as ?key= (browsers cannot set its headers).
      await page.locator('.conn[data-mode="live"]').waitFor();

      // Reload: the key is in sessionStorage, nothing is asked.
      await page.reload();
      await tileValue(page, 68).filter({ hasText: /\d/ }).waitFor();
      expect(await dialog.isVisible()).toBe(false);

      // The read-only key cannot write: the gateway's 403 is shown with a way to use another key.
      const target = Number(gateway.sim.controller.getValue(103)) === 50 ? 51 : 50;
      await page.getByRole("button", { name: "Change Setpoint (Hot water)", exact: true }).click();
      const editor = page.locator('.overview [data-tile="dhw-setpoint"] form.editor');
      await editor.getByLabel("New value for HDWTSetPoint").fill(String(target));
      await editor.getByRole("button", { name: "Set HDWTSetPoint", exact: true }).click();
      const message = editor.locator(".editor-message");
      await message
        .filter({ hasText: /^Refused by the gateway \(403 forbidden\): this key is read-only/ })
        .waitFor();
      await message.getByRole("button", { name: "Use another key" }).click();
      await dialog.getByLabel("Key", { exact: true }).fill("write-secret");
      await dialog.getByRole("button", { name: "Use key" }).click();
      await message.filter({ hasText: /^Confirmed by the controller/ }).waitFor({ timeout: 10_000 });
      expect(gateway.sim.controller.getValue(103)).toBe(target);
      expect(view.errors).toEqual([]);
    } finally {
      await view.close();
    }
  });

  it("says the data needs a key when the person cancels, and offers to enter one", async () => {
    const view = await openDashboard(browser, gateway.url);
    const { page } = view;
    try {
      const dialog = page.getByRole("dialog", { name: "API key" });
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Cancel" }).click();
      // The page's banner, not the thermostat card's stale note (hidden while the card is).
      const banner = page.locator(".banner.warn:not(.thermostat-stale)");
      await banner.waitFor();
      expect(await banner.textContent()).toContain("This gateway needs an API key");
      await banner.getByRole("button", { name: "Enter key" }).click();
      await dialog.getByLabel("Key", { exact: true }).fill("read-secret");
      await dialog.getByRole("button", { name: "Use key" }).click();
      await tileValue(page, 68).filter({ hasText: /\d/ }).waitFor();
      expect(await banner.isVisible()).toBe(false);
    } finally {
      await view.close();
    }
  });
});

describe("read-only mode", () => {
  let gateway: DashboardGateway;

  beforeAll(async () => {
    gateway = await startDashboardGateway({ env: { READ_ONLY: "true" } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it("says so, and offers no way to change anything: no Change or Edit buttons", async () => {
    const view = await openDashboard(browser, gateway.url);
    const { page } = view;
    try {
      await page.locator(".banner", { hasText: "Read-only mode" }).waitFor();
      await tileValue(page, 103).filter({ hasText: /\d/ }).waitFor();
      const setpoint = page.locator('.overview [data-tile="dhw-setpoint"]');
      expect(await setpoint.getByRole("button", { name: "Trend of Setpoint (Hot water)" }).isVisible()).toBe(
        true,
      );
      expect(
        await page
          .locator(".overview")
          .getByRole("button", { name: /^Change / })
          .count(),
      ).toBe(0);
      await page.goto(`${gateway.url}#/parameters`);
      const table = page.locator(".view.parameters");
      await table.getByLabel("Search").fill("HDWTSetPoint");
      const row = table.locator('.row[data-index="103"]');
      await row.getByRole("button", { name: "Trend of HDWTSetPoint", exact: true }).waitFor();
      expect(await row.locator(".c-writable").textContent()).toBe("yes");
      expect(await table.getByRole("button", { name: /^Edit / }).count()).toBe(0);
      expect(gateway.writesOnBus()).toEqual([]);
      expect(view.errors).toEqual([]);
    } finally {
      await view.close();
    }
  });
});
