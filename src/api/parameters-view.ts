/** Moved to `src/views/parameters-view.ts` (shared with the WebSocket bridge); kept for `routes/parameters.ts`. */
export * from "../views/parameters-view.js";
