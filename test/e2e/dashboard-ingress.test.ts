/**
 * The dashboard under Home Assistant Ingress: Chromium opens it through a small proxy on 127.0.0.1
 * that serves it under /api/hassio_ingress/<token>/, strips the prefix and sets X-Ingress-Path, as
 * the Supervisor does. The gateway has an API key and trusts the proxy's address
 * (INGRESS_TRUSTED_ADDRESS): the page shows the values without asking for a key, every request it
 * sends stays under the prefix; a direct request without the key is still refused.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchBrowser } from "../helpers/browser.js";
import { type DashboardGateway, startDashboardGateway } from "../helpers/dashboard.js";
import { openDashboard } from "../helpers/dashboard-page.js";

const PREFIX = "/api/hassio_ingress/Zm9vYmFy";
let browser: Browser;
let gateway: DashboardGateway;
let proxy: Server;
let proxyUrl = "";

beforeAll(async () => {
  gateway = await startDashboardGateway({
    env: { API_KEY: "ingress-test-key", INGRESS_TRUSTED_ADDRESS: "127.0.0.1", WS_ENABLED: "false" },
  });
  const target = new URL(gateway.url);
  proxy = createServer((request, response) => {
    const url = request.url ?? "/";
    if (!url.startsWith(`${PREFIX}/`)) return void response.writeHead(404).end();
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: url.slice(PREFIX.length),
        headers: { ...request.headers, "x-ingress-path": PREFIX },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${PREFIX}/`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  proxy?.close();
  await gateway?.stop();
});

describe("the dashboard under an ingress path prefix", () => {
  it("shows the values with no key asked, every request under the prefix", async () => {
    const { page, errors, requests, close } = await openDashboard(browser, proxyUrl);
    try {
      // The simulated controller's outdoor temperature, read through the prefix with no key given.
      await page.getByText("Outdoor temperature").first().waitFor({ timeout: 20_000 });
      await page
        .getByText(/^\d+(\.\d+)? °C$/)
        .first()
        .waitFor({ timeout: 20_000 });
      expect(await page.getByRole("dialog", { name: "API key" }).count()).toBe(0);
      expect(errors).toEqual([]);
      expect(requests.length).toBeGreaterThan(2);
      for (const line of requests) expect(line.split(" ")[1]).toMatch(new RegExp(`^${PREFIX}/`));
      expect(requests).toContain(`GET ${PREFIX}/api/parameters`);
    } finally {
      await close();
    }
  });

  it("still refuses a direct request without the key", async () => {
    const direct = await fetch(`${gateway.url}api/parameters`);
    expect(direct.status).toBe(401);
    const throughProxy = await fetch(`${proxyUrl}api/parameters`);
    expect(throughProxy.status).not.toBe(401);
  });
});
