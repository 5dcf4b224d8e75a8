/** The virtual room thermostat (issue 16, PROTOCOL.md §17): emulation, pairing, temperature source. */
export * from "./emulator.js";
export * from "./pairing.js";
export * from "./staleness.js";
export * from "./store.js";
export * from "./temperature-source.js";
export * from "./virtual-thermostat.js";
