/**
 * Starts the client-facing bridges on top of a running core: the HTTP API (with the other
 * bridges that mount on it) and MQTT; returns them with the URL the API listens on. Each bridge is
 * on or off by configuration and none imports another.
 */
import type { FastifyInstance } from "fastify";
import { DashboardNotBuiltError, registerDashboard } from "../bridges/http/dashboard/index.js";
import { createApiServer } from "../bridges/http/index.js";
import { GatewayMetrics } from "../bridges/metrics/gateway-metrics.js";
import { registerMetrics } from "../bridges/metrics/plugin.js";
import type { MqttBridge } from "../bridges/mqtt/index.js";
import type { LiveHub } from "../bridges/ws/hub.js";
import { registerLiveStream } from "../bridges/ws/plugin.js";
import { ConfigError, describeSource, type GatewayConfig, type LoadedConfig } from "../config/index.js";
import type { GatewayCore } from "../gateway/core.js";
import { HistoryService } from "../history/index.js";
import { type Logger, logEvent } from "../log/index.js";
import { type BridgePlug, corePort } from "../port/index.js";
import { readOrCreateInstanceId } from "../state/instance-id.js";
import { StateDirectory } from "../state/state-file.js";
import { packageVersion } from "../version.js";
import type { Bridge } from "./gateway-app.js";
import { type HttpsRedirect, startHttpsRedirect } from "./https-redirect.js";
import { loadTlsMaterial } from "./tls.js";

/** The API (and Home Assistant) matter more than the dashboard: a missing build only warns. */
async function addDashboard(server: FastifyInstance, logger: Logger): Promise<void> {
  try {
    await registerDashboard(server, { logger });
  } catch (error) {
    if (!(error instanceof DashboardNotBuiltError)) throw error;
    logger.warn(`dashboard not served: ${error.message}`);
  }
}

/**
 * A port that is taken or not permitted is a configuration error (exit 2, naming API_PORT and where
 * it came from); an address this machine does not have names API_HOST. Anything else is unexpected.
 */
function listenError(
  error: NodeJS.ErrnoException,
  config: GatewayConfig,
  sources: LoadedConfig["sources"] | undefined,
): Error {
  const origin = (key: "apiPort" | "apiHost") => {
    const env = key === "apiPort" ? "API_PORT" : "API_HOST";
    return sources ? describeSource(sources[key], { env, yamlKey: env.toLowerCase() }) : "the configuration";
  };
  const where = config.apiHost;
  switch (error.code) {
    case "EADDRINUSE":
      return new ConfigError([
        {
          setting: "API_PORT",
          origin: origin("apiPort"),
          problem: `port ${config.apiPort} on ${where} is already in use (another gateway running?); set API_PORT to a free port`,
        },
      ]);
    case "EACCES":
      return new ConfigError([
        {
          setting: "API_PORT",
          origin: origin("apiPort"),
          problem: `no permission to listen on port ${config.apiPort}; use a port above 1023`,
        },
      ]);
    case "EADDRNOTAVAIL":
      return new ConfigError([
        {
          setting: "API_HOST",
          origin: origin("apiHost"),
          problem: `${where} is not an address of this machine`,
          allowed: "0.0.0.0 (every interface), 127.0.0.1, or one of this machine's addresses",
        },
      ]);
    default:
      return new Error(`cannot start the HTTP API on ${where}:${config.apiPort}: ${error.message}`);
  }
}

/** This gateway's instance id from STATE_DIR (made on the first start), for its MQTT client id. */
async function instanceId(config: GatewayConfig, logger: Logger): Promise<string> {
  const { id, saveError } = await readOrCreateInstanceId(new StateDirectory(config.stateDir));
  if (saveError !== undefined) {
    logEvent(logger, "config.warning", {
      warning: `cannot keep the instance id in STATE_DIR (${saveError}): the MQTT client id changes at every start`,
    });
  }
  return id;
}

interface BridgeApp {
  config: GatewayConfig;
  core: GatewayCore;
  logger: Logger;
  /** Where each setting came from, for configuration errors (a port in use names its origin). */
  sources?: LoadedConfig["sources"];
}

/** Figures one bridge shows of the others (the metrics show the WebSocket's and MQTT's). */
interface LiveFigures {
  hub?: LiveHub;
  mqtt?: MqttBridge;
  /** The history the API serves (HISTORY_ENABLED). */
  history?: HistoryService;
}

/**
 * The HTTP bridge: the API, with the WebSocket stream, /metrics and the dashboard mounted on its
 * server (so its keys, error shape and log apply), HTTPS and the plain-HTTP redirect.
 */
function httpPlug(app: BridgeApp, live: LiveFigures, onListening: (url: string) => void): BridgePlug {
  const { config, logger } = app;
  let stop: () => Promise<void> = async () => {};
  return {
    name: "http",
    async start(port) {
      // HTTPS: a bad certificate or key is a configuration error before anything listens.
      const tls = await loadTlsMaterial(config, app.sources);
      if (tls) {
        for (const warning of tls.warnings) logEvent(logger, "config.warning", { warning });
        logEvent(logger, "https.certificate", {
          origin: tls.origin,
          fingerprint: tls.fingerprint,
          validTo: tls.validTo.toISOString(),
          created: tls.created,
          path: tls.path ?? config.tlsCert,
        });
      }
      const server = await createApiServer({
        core: port,
        config,
        logger: logger.child({ module: "api" }),
        version: packageVersion,
        tls,
        history: live.history,
      });
      live.hub = config.wsEnabled
        ? await registerLiveStream(server, {
            core: port,
            config,
            logger: logger.child({ module: "ws" }),
            thermostat: port.thermostat,
          })
        : undefined;
      const metrics = config.metricsEnabled
        ? new GatewayMetrics(port, { processMetrics: true, parameterValues: true })
        : undefined;
      if (metrics) registerMetrics(server, metrics);
      try {
        if (config.dashboardEnabled) await addDashboard(server, logger.child({ module: "dashboard" }));
        await server.listen({ host: config.apiHost, port: config.apiPort });
      } catch (error) {
        await server.close();
        metrics?.stop();
        throw listenError(error as NodeJS.ErrnoException, config, app.sources);
      }
      const address = server.server.address();
      const listening = typeof address === "object" && address ? address.port : config.apiPort;
      let redirect: HttpsRedirect | undefined;
      if (tls && config.tlsRedirectPort !== 0) {
        try {
          redirect = await startHttpsRedirect({
            host: config.apiHost,
            port: config.tlsRedirectPort,
            httpsPort: listening,
            sources: app.sources,
          });
        } catch (error) {
          await server.close();
          metrics?.stop();
          throw error;
        }
      }
      // The metrics read the other bridges' figures through callbacks: no bridge imports another.
      metrics?.setLiveSources({
        websocketClients: () => live.hub?.stats.clients ?? 0,
        websocketMessages: () => live.hub?.stats.messages ?? 0,
        websocketDisconnectedSlow: () => live.hub?.stats.slowDisconnects ?? 0,
        mqttConnected: () => live.mqtt?.connected ?? false,
        mqttConnections: () => live.mqtt?.stats.connections ?? 0,
        mqttStatesPublished: () => live.mqtt?.stats.statesPublished ?? 0,
      });
      stop = async () => {
        await redirect?.stop();
        await server.close();
        metrics?.stop();
      };
      const host = config.apiHost === "0.0.0.0" || config.apiHost === "::" ? "localhost" : config.apiHost;
      onListening(`${tls ? "https" : "http"}://${host}:${listening}`);
    },
    stop: () => stop(),
  };
}

/** The MQTT bridge; its client library is loaded only when a broker is configured. */
function mqttPlug(app: BridgeApp, live: LiveFigures): BridgePlug {
  const { config, logger } = app;
  return {
    name: "mqtt",
    async start(port) {
      const clientId = config.mqttClientId === "" ? await instanceId(config, logger) : undefined;
      live.mqtt = (await import("../bridges/mqtt/index.js")).startMqttBridge(
        port,
        config,
        logger.child({ module: "mqtt" }),
        clientId,
        port.thermostat,
      );
    },
    stop: async () => live.mqtt?.stop(),
  };
}

/**
 * The history recorder (not a bridge, but started and stopped like one): opened before the API that
 * serves it, closed after it, its last samples written on the way out.
 */
function historyPlug(app: BridgeApp, live: LiveFigures): BridgePlug {
  const { config, logger } = app;
  return {
    name: "history",
    async start(port) {
      // The API and Home Assistant matter more than the history: a file that cannot be opened warns.
      try {
        live.history = HistoryService.open(port.store, {
          stateDir: config.stateDir,
          selection: config.historyParameters,
          maxBytes: config.historyMaxMb * 1024 * 1024,
          shortCycleMs: config.historyShortCycleMin * 60_000,
          onError: (error, during) =>
            logger.warn({ err: error }, `history ${during} failed: ${error.message}`),
        });
      } catch (error) {
        logger.warn({ err: error }, `history not recorded: ${(error as Error).message}`);
      }
    },
    async stop() {
      live.history?.close();
    },
  };
}

/** The bridges, in start order (the HTTP one listens first: a port in use stops start-up). */
function bridgePlugs(app: BridgeApp, live: LiveFigures, onListening: (url: string) => void): BridgePlug[] {
  return [
    ...(app.config.historyEnabled ? [historyPlug(app, live)] : []),
    httpPlug(app, live, onListening),
    ...(app.config.mqttUrl ? [mqttPlug(app, live)] : []),
  ];
}

/** Starts every bridge on the core's port, in order; returns them (to stop) and the API's URL. */
export async function startBridges(app: BridgeApp): Promise<{ bridges: Bridge[]; apiUrl?: string }> {
  // Every bridge gets the port, never the core's parts.
  const port = corePort(app.core);
  const live: LiveFigures = {};
  let apiUrl: string | undefined;
  const bridges: Bridge[] = [];
  for (const plug of bridgePlugs(app, live, (url) => (apiUrl = url))) {
    await plug.start(port);
    bridges.push(plug);
  }
  return { bridges, apiUrl };
}
