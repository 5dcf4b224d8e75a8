/**
 * The gateway on the simulator with the dashboard and the WebSocket live stream (unless
 * WS_ENABLED=false), listening on 127.0.0.1 for a real browser. The
 * dashboard is built fresh into a temporary directory (scripts/build-dashboard.ts; esbuild takes a
 * fraction of a second), so the tests run what the build makes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { buildDashboard } from "../../scripts/build-dashboard.js";
import { registerDashboard } from "../../src/bridges/http/dashboard/index.js";
import { registerLiveStream } from "../../src/bridges/ws/plugin.js";
import { type SimApi, type SimApiOptions, startSimApi } from "./sim-api.js";

export interface DashboardGateway extends SimApi {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  dashboardDir: string;
  stop(): Promise<void>;
}

/** Builds the dashboard into a new temporary directory (the caller removes it). */
export async function buildDashboardTemp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gm3-dashboard-"));
  await buildDashboard(dir);
  return dir;
}

export async function startDashboardGateway(options: SimApiOptions = {}): Promise<DashboardGateway> {
  const dashboardDir = await buildDashboardTemp();
  let api: SimApi;
  try {
    api = await startSimApi({
      ...options,
      register: async (app, config, core) => {
        await options.register?.(app, config, core);
        const logger = options.logger ?? pino({ level: "silent" });
        // As app/bridges.ts does: the live stream when WS_ENABLED, then the dashboard.
        if (config.wsEnabled) await registerLiveStream(app, { core, config, logger });
        await registerDashboard(app, { dir: dashboardDir, logger });
      },
    });
  } catch (error) {
    await rm(dashboardDir, { recursive: true, force: true });
    throw error;
  }
  const stop = async () => {
    await api.close();
    await rm(dashboardDir, { recursive: true, force: true });
  };
  try {
    const address = await api.app.listen({ host: "127.0.0.1", port: 0 });
    return { ...api, url: `${address}/`, dashboardDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
