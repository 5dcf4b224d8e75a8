/** The port offered to every bridge (port.ts) and how the core provides it (core-port.ts). */
export * from "./bridge.js";
export * from "./core-port.js";
export * from "./events.js";
export * from "./port.js";
export * from "./thermostat.js";
