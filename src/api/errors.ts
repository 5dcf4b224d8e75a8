/** Moved to `src/http/errors.ts` (shared with the WebSocket bridge); kept for `routes/parameters.ts`. */
export * from "../http/errors.js";
