/**
 * Service parameters in the browser (the expert gate): without EXPERT_WRITES the table shows
 * them locked, with no Edit button; a write to the heat pump's reboot (writable, not gated) and,
 * with EXPERT_WRITES, to a service parameter is confirmed first in the editor, naming the
 * consequence — "Don't write" sends nothing, "Write" goes through the safe write path. Frames are
 * counted on the simulated wire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPERT_CATALOGUE } from "../../src/catalog/expert-parameters.js";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import { type DashboardPage, openDashboard, tileValue, waitForText } from "../helpers/dashboard-page.js";

const REBOOT = { index: 1369, name: "AXEN_REGISTER_2150_RW-reboot_unit" };
const FACTORY = { index: 5, name: "FactorySetup" };
const consequenceOf = (name: string) =>
  [...EXPERT_CATALOGUE.gated, ...EXPERT_CATALOGUE.confirmOnly].find((e) => e.name === name)!.consequence;

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function showRow(view: DashboardPage, url: string, parameter: { index: number; name: string }) {
  const { page } = view;
  await page.goto(`${url}#/parameters`);
  await page.reload();
  const table = page.locator(".view.parameters");
  await table.getByLabel("Search").fill(parameter.name);
  const row = page.locator(`.view.parameters .row[data-index="${parameter.index}"]`);
  await row.waitFor();
  return { table, row };
}

/** Opens the editor of `parameter`, enters `text`, presses Set and waits for the confirmation. */
async function askToWrite(
  view: DashboardPage,
  url: string,
  parameter: { index: number; name: string },
  text: string,
) {
  const { table } = await showRow(view, url, parameter);
  await table.getByRole("button", { name: `Edit ${parameter.name}`, exact: true }).click();
  const editor = table.locator("form.editor");
  await editor.getByLabel(`New value for ${parameter.name}`).fill(text);
  await editor.getByRole("button", { name: `Set ${parameter.name}`, exact: true }).click();
  const confirmation = editor.getByRole("alertdialog");
  await confirmation.waitFor();
  return { editor, confirmation };
}

describe("without EXPERT_WRITES", () => {
  let gateway: DashboardGateway;
  let view: DashboardPage;
  const posts = () => view.requests.filter((r) => r.startsWith("POST "));

  beforeAll(async () => {
    gateway = await startDashboardGateway();
    view = await openDashboard(browser, gateway.url);
    await tileValue(view.page, 103).waitFor();
  });
  afterAll(async () => {
    await view?.close();
    await gateway?.stop();
  });

  it("shows a service parameter locked: no Edit button, 'locked' in the Writable column, the consequence on the lock", async () => {
    const { row } = await showRow(view, gateway.url, FACTORY);
    const lock = row.locator(".c-writable.lock");
    await lock.waitFor();
    expect(await lock.textContent()).toBe("🔒 locked");
    expect(await lock.getAttribute("title")).toBe(
      `Service parameter (reset): ${consequenceOf(FACTORY.name)} Writes need EXPERT_WRITES=true on the gateway.`,
    );
    expect(await row.getByRole("button", { name: `Edit ${FACTORY.name}` }).count()).toBe(0);
    // An ordinary parameter next to it keeps its Edit button.
    const { row: setpoint } = await showRow(view, gateway.url, { index: 103, name: "HDWTSetPoint" });
    expect(await setpoint.getByRole("button", { name: "Edit HDWTSetPoint", exact: true }).count()).toBe(1);
    expect(view.errors).toEqual([]);
  });

  it("asks before a reboot, naming the consequence; 'Don't write' sends nothing, 'Write' sends it once", async () => {
    const writes = gateway.writesOnBus().length;
    const requests = posts().length;
    const first = await askToWrite(view, gateway.url, REBOOT, "1");
    expect(await first.confirmation.textContent()).toContain(
      `Writing ${REBOOT.name} acts on the heat pump at once (reset).${consequenceOf(REBOOT.name)}`,
    );
    await first.confirmation.getByRole("button", { name: "Don't write" }).click();
    await waitForText(view.page, ".view.parameters form.editor .editor-message", "Not sent.");

    const second = await askToWrite(view, gateway.url, REBOOT, "1");
    await second.confirmation.getByRole("button", { name: `Write 1 to ${REBOOT.name}` }).click();
    await second.editor
      .locator(".editor-message")
      .filter({ hasText: /^Confirmed by the controller: 1 / })
      .waitFor({ timeout: 10_000 });
    // One request and one frame in all: the refused confirmation sent neither (it came first).
    expect(posts().length).toBe(requests + 1);
    expect(gateway.writesOnBus().length).toBe(writes + 1);
    expect(gateway.sim.controller.getValue(REBOOT.index)).toBe(1);
  });
});

describe("with EXPERT_WRITES=true", () => {
  let gateway: DashboardGateway;
  let view: DashboardPage;

  beforeAll(async () => {
    gateway = await startDashboardGateway({ env: { EXPERT_WRITES: "true" } });
    view = await openDashboard(browser, gateway.url);
    await tileValue(view.page, 103).waitFor();
  });
  afterAll(async () => {
    await view?.close();
    await gateway?.stop();
  });

  it("offers a service parameter for editing and writes it only after a confirmation naming the consequence", async () => {
    const writes = gateway.writesOnBus().length;
    // A value the simulated controller does not hold (one it holds is confirmed without a frame).
    const value = gateway.sim.controller.getValue(FACTORY.index) === 0 ? "1" : "0";
    const { editor, confirmation } = await askToWrite(view, gateway.url, FACTORY, value);
    const text = await confirmation.textContent();
    expect(text).toContain(`${FACTORY.name} is a service parameter (reset).`);
    expect(text).toContain(consequenceOf(FACTORY.name));
    expect(gateway.writesOnBus().length).toBe(writes);
    await confirmation.getByRole("button", { name: `Write ${value} to ${FACTORY.name}` }).click();
    await editor
      .locator(".editor-message")
      .filter({ hasText: new RegExp(`^Confirmed by the controller: ${value} `) })
      .waitFor({ timeout: 10_000 });
    expect(gateway.writesOnBus().length).toBe(writes + 1);
    expect(view.errors).toEqual([]);
  });
});
