/**
 * A browser page on the dashboard for end-to-end tests: collects uncaught page errors (a test
 * fails on them) and the requests the page makes, and saves screenshots under
 * test-results/screenshots/ (gitignored) for people to look at.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { Browser } from "./browser.js";

export const SCREENSHOT_DIR = join(process.cwd(), "test-results", "screenshots");

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export interface DashboardPage {
  page: Page;
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** `METHOD path` of every request the page sent. */
  requests: string[];
  close(): Promise<void>;
}

export async function openDashboard(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<DashboardPage> {
  const page = await browser.context.newPage();
  await page.setViewportSize(viewport);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
  await page.goto(url);
  return { page, errors, requests, close: () => page.close() };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The text of the overview tile showing `index` (its value, without the unit). */
export function tileValue(page: Page, index: number) {
  return page.locator(`.overview .tile-value .value[data-index="${index}"]`).first();
}

/** Regular expression matching exactly `text`. */
export function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

/**
 * Waits until the first element matching `selector` has exactly `text`. Locators, not
 * waitForFunction: the page's content policy forbids the string evaluation that would need.
 */
export async function waitForText(
  page: Page,
  selector: string,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  await page
    .locator(selector)
    .filter({ hasText: exactly(text) })
    .first()
    .waitFor({ timeout: timeoutMs });
}

/** Waits until nothing matches `selector`. */
export async function waitForNone(page: Page, selector: string, timeoutMs = 10_000): Promise<void> {
  await page.locator(selector).first().waitFor({ state: "detached", timeout: timeoutMs });
}
