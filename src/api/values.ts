/** Moved to `src/views/values.ts` (shared with the WebSocket bridge); kept for `routes/parameters.ts`. */
export * from "../views/values.js";
