/**
 * Editing in the browser: a valid value goes through the gateway's safe write path and the page
 * shows the controller's read-back; bad input is refused in the page with the reason and nothing
 * is sent (no request, no MODIFY_PARAM on the simulated wire); the gateway's own refusals are
 * shown as it worded them; everything works from the keyboard.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import { type DashboardPage, openDashboard, tileValue, waitForText } from "../helpers/dashboard-page.js";
import { eventually } from "../helpers/sim-gateway.js";

let gateway: DashboardGateway;
let browser: Browser;
let view: DashboardPage;

const table = () => view.page.locator(".view.parameters");
const posts = () => view.requests.filter((r) => r.startsWith("POST "));

/**
 * Records in the page, as the page's code calls fetch(), every request that is not a GET. The
 * browser reports requests to the test asynchronously; this record is complete the moment the
 * page shows its answer, since a submit that sends does so before it shows anything.
 */
const RECORD_PAGE_WRITES = `(() => {
  const send = window.fetch.bind(window);
  window.gm3Writes = [];
  window.fetch = (input, init) => {
    const method = String(init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (method !== "GET") window.gm3Writes.push(method + " " + String(input instanceof Request ? input.url : input));
    return send(input, init);
  };
})()`;

async function pageWrites(): Promise<string[]> {
  const writes = await view.page.evaluate("window.gm3Writes");
  // Not installed would make "nothing sent" vacuous.
  expect(Array.isArray(writes), "the page's request record").toBe(true);
  return writes as string[];
}

async function openEditor(name: string, index: number): Promise<void> {
  const { page } = view;
  // A fresh load: no editor left open by the previous test.
  await page.goto(`${gateway.url}#/parameters`);
  await page.reload();
  await table().getByLabel("Search").fill(name);
  await page.locator(`.view.parameters .row[data-index="${index}"]`).waitFor();
  await table()
    .getByRole("button", { name: `Edit ${name}`, exact: true })
    .click();
}

async function submit(name: string, text: string): Promise<string> {
  const editor = table().locator("form.editor");
  await editor.getByLabel(`New value for ${name}`).fill(text);
  await editor.getByRole("button", { name: `Set ${name}`, exact: true }).click();
  const message = editor.locator(".editor-message");
  await message.filter({ hasText: /^(Confirmed|Not sent|Refused|Failed)/ }).waitFor({ timeout: 10_000 });
  return (await message.textContent()) ?? "";
}

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startDashboardGateway(), launchBrowser()]);
  view = await openDashboard(browser, gateway.url);
  await view.page.addInitScript(RECORD_PAGE_WRITES);
  await view.page.reload();
  await tileValue(view.page, 103).waitFor();
});

afterAll(async () => {
  await view?.close();
  await browser?.close();
  await gateway?.stop();
});

describe("editing a parameter", () => {
  it("confirms an in-range value with the controller's read-back, and the controller holds it", async () => {
    const writes = gateway.writesOnBus().length;
    const target = Number(gateway.sim.controller.getValue(103)) === 52 ? 53 : 52;
    await openEditor("HDWTSetPoint", 103);
    const rules = await table().locator("form.editor label").textContent();
    expect(rules).toContain("range 35 … 65");
    const message = await submit("HDWTSetPoint", String(target));
    expect(message).toMatch(
      new RegExp(`^Confirmed by the controller: ${target} \\(ack\\+read-back, \\d+ ms\\)\\.$`),
    );
    expect(gateway.sim.controller.getValue(103)).toBe(target);
    expect(gateway.writesOnBus().length).toBe(writes + 1);
    await waitForText(view.page, '.view.parameters .row[data-index="103"] .c-value', String(target));
    expect(posts()).toContain("POST /api/parameters/103");
    // The page's own record sees a write (what the refusal tests below count on).
    expect(await pageWrites()).toEqual(["POST api/parameters/103"]);
  });

  it("refuses out-of-range and malformed input in the page: no request, no frame", async () => {
    const before = gateway.sim.controller.getValue(103);
    const writes = gateway.writesOnBus().length;
    const requests = posts().length;
    await openEditor("HDWTSetPoint", 103);
    const sentBefore = (await pageWrites()).length;
    expect(await submit("HDWTSetPoint", "80")).toBe("Not sent: 80 is above the maximum of 65.");
    expect(await submit("HDWTSetPoint", "50.5")).toBe("Not sent: HDWTSetPoint takes whole numbers (uint8).");
    expect(await submit("HDWTSetPoint", "hot")).toBe("Not sent: “hot” is not a number.");
    const input = table().locator("form.editor input");
    expect(await input.getAttribute("aria-invalid")).toBe("true");
    expect((await pageWrites()).slice(sentBefore)).toEqual([]);
    expect(posts().length).toBe(requests);
    expect(gateway.writesOnBus().length).toBe(writes);
    expect(gateway.sim.controller.getValue(103)).toBe(before);
  });

  it("shows the gateway's refusal as it worded it (panel writes are off by default)", async () => {
    const writes = gateway.writesOnBus().length;
    await openEditor("currentCircuitBoost", 10421);
    const message = await submit("currentCircuitBoost", "1");
    expect(message).toMatch(/^Refused by the gateway \(400 panel-write-disabled\): /);
    expect(gateway.writesOnBus().length).toBe(writes);
  });

  it("changes a setpoint from its overview tile", async () => {
    const { page } = view;
    await page.goto(`${gateway.url}#/overview`);
    const target = Number(gateway.sim.controller.getValue(103)) === 48 ? 47 : 48;
    await page.getByRole("button", { name: "Change Setpoint (Hot water)", exact: true }).click();
    const editor = page.locator('.overview [data-tile="dhw-setpoint"] form.editor');
    await editor.getByLabel("New value for HDWTSetPoint").fill(String(target));
    await editor.getByRole("button", { name: "Set HDWTSetPoint", exact: true }).click();
    await editor
      .locator(".editor-message")
      .filter({ hasText: /^Confirmed by the controller/ })
      .waitFor();
    await waitForText(page, '.overview .value[data-index="103"]', String(target));
    expect(gateway.sim.controller.getValue(103)).toBe(target);
  });

  it("offers an enumerated parameter's values in a select, sends the number, and shows the read-back", async () => {
    const { page } = view;
    await page.goto(`${gateway.url}#/overview`);
    const tile = page.locator('.overview [data-tile="dhw-mode"]');
    await tile.getByRole("button", { name: /^Change/ }).click();
    const editor = tile.locator("form.editor");
    const select = editor.getByLabel("New value for HDWusermode");
    expect(await select.evaluate((element) => element.tagName)).toBe("SELECT");
    expect(await select.locator("option").allTextContents()).toEqual(["off", "on", "schedule"]);
    expect(await editor.locator("label").textContent()).toContain("one of: off, on, schedule");
    const target = Number(gateway.sim.controller.getValue(119)) === 1 ? 0 : 1;
    const word = target === 1 ? "on" : "off";
    await select.selectOption({ label: word });
    await editor.getByRole("button", { name: "Set HDWusermode", exact: true }).click();
    await editor
      .locator(".editor-message")
      .filter({ hasText: new RegExp(`^Confirmed by the controller: ${word} \\(${target}\\) \\(`) })
      .waitFor({ timeout: 10_000 });
    expect(gateway.sim.controller.getValue(119)).toBe(target);
    await waitForText(page, '.overview [data-tile="dhw-mode"] .value', word);
    expect(await select.inputValue()).toBe(String(target));
  });

  it("refuses a value the enumerated parameter has no word for: no request, no frame", async () => {
    const { page } = view;
    await page.goto(`${gateway.url}#/overview`);
    gateway.sim.controller.setValue(119, 7);
    await waitForText(page, '.overview [data-tile="dhw-mode"] .value', "7");
    const tile = page.locator('.overview [data-tile="dhw-mode"]');
    const editor = tile.locator("form.editor");
    if ((await editor.count()) > 0) await editor.getByRole("button", { name: "Cancel" }).click();
    await tile.getByRole("button", { name: /^Change/ }).click();
    const select = editor.getByLabel("New value for HDWusermode");
    expect(await select.inputValue()).toBe("7");
    expect(await select.locator("option:checked").textContent()).toBe("7 (not a known value)");
    const writes = gateway.writesOnBus().length;
    const requests = posts().length;
    const sentBefore = (await pageWrites()).length;
    await editor.getByRole("button", { name: "Set HDWusermode", exact: true }).click();
    await editor
      .locator(".editor-message")
      .filter({ hasText: "Not sent: 7 is not one of HDWusermode's values (0 off, 1 on, 2 schedule)." })
      .waitFor();
    expect((await pageWrites()).slice(sentBefore)).toEqual([]);
    expect(posts().length).toBe(requests);
    expect(gateway.writesOnBus().length).toBe(writes);
    expect(gateway.sim.controller.getValue(119)).toBe(7);
    gateway.sim.controller.setValue(119, 2);
  });

  it("shows a write waiting for the bus as queued, then the controller's confirmation", async () => {
    const target = Number(gateway.sim.controller.getValue(702)) === 25 ? 24 : 25;
    const writes = gateway.writesOnBus().length;
    await openEditor("SummerOn", 702);
    gateway.sim.faults.stopTokenGrants();
    try {
      // A grant under way when they stopped lets work out until the token is back: wait for it.
      await eventually(() => !gateway.core.bus.holdingToken, "the token given back");
      const editor = table().locator("form.editor");
      await editor.getByLabel("New value for SummerOn").fill(String(target));
      await editor.getByRole("button", { name: "Set SummerOn", exact: true }).click();
      await editor
        .locator(".editor-message")
        .filter({ hasText: /^Queued: waiting for the bus/ })
        .waitFor({ timeout: 10_000 });
      expect(gateway.writesOnBus().length).toBe(writes);
    } finally {
      gateway.sim.faults.resumeTokenGrants();
    }
    const message = table().locator("form.editor .editor-message");
    await message.filter({ hasText: /^Confirmed by the controller: / }).waitFor({ timeout: 10_000 });
    expect(await message.textContent()).toMatch(
      new RegExp(`^Confirmed by the controller: ${target} \\(ack\\+read-back, \\d+ ms\\)\\.$`),
    );
    expect(gateway.writesOnBus().length).toBe(writes + 1);
    expect(gateway.sim.controller.getValue(702)).toBe(target);
  });

  it("shows why a queued write failed: the controller refused it when its turn came", async () => {
    const max = Number(gateway.sim.controller.getValue(108));
    if (Number(gateway.sim.controller.getValue(103)) === max) gateway.sim.controller.setValue(103, max - 3);
    await openEditor("HDWTSetPoint", 103);
    gateway.sim.faults.stopTokenGrants();
    try {
      // A grant under way when they stopped lets work out until the token is back: wait for it.
      await eventually(() => !gateway.core.bus.holdingToken, "the token given back");
      const editor = table().locator("form.editor");
      await editor.getByLabel("New value for HDWTSetPoint").fill(String(max));
      await editor.getByRole("button", { name: "Set HDWTSetPoint", exact: true }).click();
      await editor
        .locator(".editor-message")
        .filter({ hasText: /^Queued: waiting for the bus/ })
        .waitFor({ timeout: 10_000 });
      // The maximum drops on the controller before the gateway polls it again.
      gateway.sim.controller.setValue(108, max - 1);
    } finally {
      gateway.sim.faults.resumeTokenGrants();
    }
    try {
      const message = table().locator("form.editor .editor-message");
      await message.filter({ hasText: /^Failed \(rejected\): / }).waitFor({ timeout: 10_000 });
      expect(await message.textContent()).toMatch(/refused the write to HDWTSetPoint/);
      expect(gateway.sim.controller.getValue(103)).not.toBe(max);
    } finally {
      gateway.sim.controller.setValue(108, max);
    }
  });

  it("works from the keyboard: Enter opens and submits, Escape closes and returns focus", async () => {
    const { page } = view;
    await openEditor("HDWTSetPoint", 103);
    await page.keyboard.press("Escape");
    await table().locator("form.editor").waitFor({ state: "detached" });
    const edit = table().getByRole("button", { name: "Edit HDWTSetPoint", exact: true });
    expect(await edit.evaluate((button) => button === button.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    const input = table().locator("form.editor input");
    await input.waitFor();
    expect(await input.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    const target = Number(gateway.sim.controller.getValue(103)) === 45 ? 44 : 45;
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type(String(target));
    await page.keyboard.press("Enter");
    await table()
      .locator(".editor-message")
      .filter({ hasText: /^Confirmed/ })
      .waitFor({ timeout: 10_000 });
    expect(gateway.sim.controller.getValue(103)).toBe(target);
    expect(view.errors).toEqual([]);
  });
});
