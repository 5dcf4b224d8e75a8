/**
 * The table of all parameters in the browser: search by name or index, filters, sorting, live
 * values that flash, and virtualisation (a few dozen rows in the DOM for ~1,800 parameters).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import { type DashboardPage, openDashboard, waitForText } from "../helpers/dashboard-page.js";

let gateway: DashboardGateway;
let browser: Browser;
let view: DashboardPage;
let total: number;
let indicesServed: number[];
let namesServed: string[];
let served: { index: number; name: string; writable: boolean }[];

const table = () => view.page.locator(".view.parameters");
const rows = () => table().locator(".spacer .row");

async function renderedIndices(): Promise<number[]> {
  const indices = await rows().evaluateAll((elements) =>
    elements
      .map((e) => ({ index: Number(e.getAttribute("data-index")), top: e.getBoundingClientRect().top }))
      .sort((a, b) => a.top - b.top)
      .map((e) => e.index),
  );
  return indices;
}

/** Waits for the table to say it shows `shown` parameters (the selection is then rendered). */
async function expectCount(shown: number): Promise<void> {
  const text = shown === total ? `${total} parameters` : `${shown} of ${total} parameters`;
  await waitForText(view.page, ".view.parameters .count", text);
}

/** Searches like a person would; `shown` is how many parameters the search must leave. */
async function search(text: string, shown: number): Promise<void> {
  await table().getByLabel("Search").fill(text);
  await expectCount(shown);
}

const matching = (fragment: string) => served.filter((p) => p.name.toLowerCase().includes(fragment)).length;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startDashboardGateway(), launchBrowser()]);
  const response = await gateway.app.inject({ method: "GET", url: "/api/parameters" });
  served = Object.values(response.json().parameters) as typeof served;
  indicesServed = served.map((p) => p.index);
  namesServed = served.map((p) => p.name);
  total = indicesServed.length;
  view = await openDashboard(browser, `${gateway.url}#/parameters`);
  await waitForText(view.page, ".view.parameters .count", `${total} parameters`);
});

afterAll(async () => {
  await view?.close();
  await browser?.close();
  await gateway?.stop();
});

describe("all parameters", () => {
  it("renders only the rows in view, and reaches the last parameter by scrolling", async () => {
    const rendered = await rows().count();
    expect(total).toBeGreaterThan(1_500);
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(100);
    expect(await table().locator('[role="table"]').getAttribute("aria-rowcount")).toBe(String(total + 1));
    await table()
      .locator(".scroller")
      .evaluate((scroller) => {
        scroller.scrollTop = scroller.scrollHeight;
      });
    const last = Math.max(...indicesServed);
    await table().locator(`.row[data-index="${last}"]`).waitFor();
    expect(await rows().count()).toBeLessThan(100);
  });

  it("searches by name fragment and by index", async () => {
    const expected = namesServed.filter((name) => name.toLowerCase().includes("hdwtset"));
    expect(expected).toContain("HDWTSetPoint");
    await search("hdwtset", expected.length);
    // The count and the rows change in one task, but a busy machine may lay the rows out a frame later.
    await expect
      .poll(async () => (await table().locator(".spacer .row .c-name").allTextContents()).sort(), {
        timeout: 10_000,
      })
      .toEqual(expected.sort());
    await search("1365", 1 + matching("1365"));
    await expect.poll(async () => (await renderedIndices())[0], { timeout: 10_000 }).toBe(1365);
    expect(await table().locator('.row[data-index="1365"] .c-name').textContent()).toBe("HPStatusComprHz");
    await search("", total);
  });

  it("filters writable only and panel only", async () => {
    await table().getByLabel("Writable only").check();
    await expectCount(served.filter((p) => p.writable).length);
    await expect
      .poll(async () => (await table().locator(".spacer .row .c-writable").allTextContents()).length, {
        timeout: 10_000,
      })
      .toBeGreaterThan(10);
    const writable = await table().locator(".spacer .row .c-writable").allTextContents();
    // Service parameters are writable on the controller, locked here without EXPERT_WRITES.
    expect(new Set(writable.filter((text) => text !== "🔒 locked"))).toEqual(new Set(["yes"]));
    await table().getByLabel("Writable only").uncheck();
    await table().getByLabel("Show").selectOption("panel");
    await expectCount(served.filter((p) => p.index >= 10_000).length);
    await expect.poll(async () => (await renderedIndices()).length, { timeout: 10_000 }).toBeGreaterThan(10);
    const panel = await renderedIndices();
    expect(panel.every((index) => index >= 10_000)).toBe(true);
    await table().getByLabel("Show").selectOption("controller");
    await expectCount(served.filter((p) => p.index < 10_000).length);
    await expect
      .poll(async () => (await renderedIndices()).every((index) => index < 10_000), { timeout: 10_000 })
      .toBe(true);
    await table().getByLabel("Show").selectOption("all");
    await expectCount(total);
  });

  it("sorts by a column header, both ways, and says so to screen readers", async () => {
    await search("Circuit2", matching("circuit2"));
    const header = table().locator('[role="columnheader"]', { hasText: "Name" });
    await header.getByRole("button").click();
    expect(await header.getAttribute("aria-sort")).toBe("ascending");
    const ascending = await table()
      .locator(".spacer .row .c-name")
      .evaluateAll((cells) =>
        cells
          .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
          .map((c) => c.textContent ?? ""),
      );
    const all = namesServed
      .filter((name) => name.toLowerCase().includes("circuit2"))
      .sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }));
    expect(ascending.length).toBeGreaterThan(5);
    // The rendered rows are the head of the sorted selection.
    expect(ascending).toEqual(all.slice(0, ascending.length));
    await header.getByRole("button").click();
    expect(await header.getAttribute("aria-sort")).toBe("descending");
    const descending = await table()
      .locator(".spacer .row .c-name")
      .evaluateAll((cells) =>
        cells
          .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
          .map((c) => c.textContent ?? ""),
      );
    expect(descending).toEqual([...all].reverse().slice(0, descending.length));
    await table().locator('[role="columnheader"]', { hasText: "Index" }).getByRole("button").click();
    await search("", total);
  });

  it("puts the editor right after its row, so Tab and Shift+Tab go from the row to the editor to the next row", async () => {
    const { page } = view;
    await search("hdw", matching("hdw"));
    const hdw = served.filter((p) => p.name.toLowerCase().includes("hdw")).sort((a, b) => a.index - b.index);
    const pos = hdw.findIndex((p) => p.index === 103);
    const next = hdw[pos + 1];
    expect(pos).toBeGreaterThan(0);
    expect(next?.writable).toBe(true);
    await table().getByRole("button", { name: "Edit HDWTSetPoint", exact: true }).click();
    const editor = table().locator("form.editor");
    const input = editor.getByLabel("New value for HDWTSetPoint");
    await input.waitFor();
    // A row of its own right after row 103, inside the rows' rowgroup, counted in the table's rows.
    const placement = await editor.evaluate((form) => {
      const row = form.closest('[role="row"]');
      const before = row?.previousElementSibling;
      return {
        after: before?.getAttribute("data-index"),
        rowIndex: row?.getAttribute("aria-rowindex"),
        beforeRowIndex: before?.getAttribute("aria-rowindex"),
        nextRowIndex: row?.nextElementSibling?.getAttribute("aria-rowindex"),
        group: row?.parentElement?.closest('[role="rowgroup"]')?.classList.contains("scroller"),
      };
    });
    expect(placement).toEqual({
      after: "103",
      rowIndex: String(pos + 3),
      beforeRowIndex: String(pos + 2),
      nextRowIndex: String(pos + 4),
      group: true,
    });
    expect(await table().locator('[role="table"]').getAttribute("aria-rowcount")).toBe(
      String(hdw.length + 2),
    );
    const focused = () =>
      page.locator("body").evaluate((body) => {
        const element = body.ownerDocument.activeElement;
        return element?.getAttribute("aria-label") ?? element?.textContent ?? "";
      });
    await expect
      .poll(() => input.evaluate((element) => element === element.ownerDocument.activeElement))
      .toBe(true);
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toBe("Trend of HDWTSetPoint");
    await page.keyboard.press("Tab");
    expect(await input.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Set HDWTSetPoint");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("Cancel");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe(`Edit ${next?.name}`);
    await editor.getByRole("button", { name: "Cancel" }).click();
    await editor.waitFor({ state: "detached" });
    expect(await table().locator('[role="table"]').getAttribute("aria-rowcount")).toBe(
      String(hdw.length + 1),
    );
    await search("", total);
  });

  it("updates a visible row live and highlights it, and lists it under 'changed recently'", async () => {
    await search("TempWthr", matching("tempwthr"));
    const row = table().locator('.row[data-index="68"]');
    await row.waitFor();
    const next = Number(gateway.sim.controller.getValue(68)) + 1.25;
    gateway.sim.controller.setValue(68, next);
    await waitForText(view.page, '.view.parameters .row[data-index="68"] .c-value', String(next));
    expect(await row.getAttribute("class")).toMatch(/flash-[ab]/);
    await search("", total);
    await table().getByLabel("Changed in the last 5 min").check();
    await table().locator(".count").filter({ hasText: / of / }).waitFor();
    const changed = await renderedIndices();
    expect(changed).toContain(68);
    expect(changed.length).toBeLessThan(total);
    await table().getByLabel("Changed in the last 5 min").uncheck();
    expect(view.errors).toEqual([]);
  });
});
