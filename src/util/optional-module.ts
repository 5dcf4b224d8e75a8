/**
 * Loads a dependency only when a feature needs it (pretty logs, a YAML file, a serial device,
 * MQTT): each costs megabytes of resident memory on a Raspberry Pi even when unused.
 */
import { createRequire } from "node:module";

const requireModule = createRequire(import.meta.url);

/** `require()` of a package from ESM, typed by the caller (`typeof import("pkg")`). */
export function loadOnDemand<T>(name: string): T {
  return requireModule(name) as T;
}
