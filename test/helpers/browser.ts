/**
 * Debian's Chromium driven by playwright-core: no browser is ever downloaded. Each launch gets a
 * fresh profile directory, removed on close. `.ci/run` installs the `chromium` package.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** `acceptSelfSigned`: trust any certificate, as a user who accepted the browser's warning. */
export async function launchBrowser(options: { acceptSelfSigned?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no browser at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium); .ci/run does`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), "gm3-chromium-"));
  try {
    // playwright passes the profile as --user-data-dir.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
      ignoreHTTPSErrors: options.acceptSelfSigned === true,
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
