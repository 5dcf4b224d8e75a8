/** The built-in web dashboard, served by the HTTP API's server. */
export { DashboardNotBuiltError, defaultDashboardDir } from "./assets.js";
export { prefersHtml } from "./negotiate.js";
export { ASSETS_PREFIX, DASHBOARD_PATH, type DashboardOptions, registerDashboard } from "./plugin.js";
