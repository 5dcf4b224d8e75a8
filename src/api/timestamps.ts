/** Moved to `src/views/timestamps.ts` (shared with the WebSocket bridge); kept for `routes/parameters.ts`. */
export * from "../views/timestamps.js";
