/**
 * The dashboard's entry: the page shell (header, banners, navigation), the router (#/overview,
 * #/parameters, #/alarms, #/status, #/trend/<index>) and the one-second tick for ages and trends.
 */
import { ApiClient, KeyStore } from "./api.js";
import { h, setText } from "./dom.js";
import { GatewayState } from "./gateway-state.js";
import { LiveSource } from "./live.js";
import { ParameterStore } from "./store.js";
import { AlarmsView } from "./views/alarms.js";
import { createKeyPrompt } from "./views/key-dialog.js";
import { OverviewView } from "./views/overview.js";
import { ParametersView } from "./views/parameters.js";
import { StatusView } from "./views/status.js";
import { ThermostatCard } from "./views/thermostat.js";
import { TrendView } from "./views/trend.js";

type Route = "overview" | "parameters" | "alarms" | "status" | "trend";

const ROUTES: { route: Route; label: string }[] = [
  { route: "overview", label: "Overview" },
  { route: "parameters", label: "Parameters" },
  { route: "alarms", label: "Alarms" },
  { route: "status", label: "Status" },
  { route: "trend", label: "Trend" },
];

const TICK_MS = 1_000;

function start(): void {
  const store = new ParameterStore();
  const state = new GatewayState();
  const api = new ApiClient(new KeyStore(), createKeyPrompt());
  const live = new LiveSource(api, store, state);
  const ctx = { api, store, state };

  const go = (route: Route, arg?: number) => {
    location.hash = arg === undefined ? `#/${route}` : `#/${route}/${arg}`;
  };
  const overview = new OverviewView(ctx, (index) => go("trend", index));
  const parameters = new ParametersView(ctx, (index) => go("trend", index));
  const alarms = new AlarmsView(state, () => void live.refreshAlarms());
  const status = new StatusView(api, state);
  const trend = new TrendView(store, (index) => go("trend", index));
  // The room thermostat's card sits under the overview's tiles, on the same page (not inside the
  // tiles' view: its stale state is the thermostat's, not the values').
  const thermostat = new ThermostatCard(api);
  const overviewPage = h("div", { class: "overview-page" }, overview.root, thermostat.root);
  live.onThermostat((status) => thermostat.apply(status));

  const device = h("span", { class: "device" });
  const connDot = h("span", { class: "dot", "aria-hidden": "true" });
  const connText = h("span", null, "Connecting…");
  const conn = h("p", { class: "conn", role: "status", "aria-live": "polite" }, connDot, connText);
  const simBanner = h("div", { class: "banner sim", role: "note", hidden: true });
  const readOnlyBanner = h(
    "div",
    { class: "banner info", hidden: true },
    "Read-only mode: the gateway sends no writes to the heat pump (READ_ONLY). Values cannot be changed here.",
  );
  const waitingBanner = h("div", { class: "banner info", role: "status", hidden: true });
  const keyBanner = h(
    "div",
    { class: "banner warn", hidden: true },
    "This gateway needs an API key to show its data. ",
    h(
      "button",
      {
        type: "button",
        class: "small",
        onclick: async () => {
          if (await api.askForKey("This gateway needs an API key.")) live.retry();
        },
      },
      "Enter key",
    ),
  );
  const links = new Map<Route, HTMLAnchorElement>();
  const nav = h(
    "nav",
    { "aria-label": "Views" },
    h(
      "ul",
      null,
      ...ROUTES.map(({ route, label }) => {
        const link = h("a", { href: `#/${route}` }, label);
        links.set(route, link);
        return h("li", null, link);
      }),
    ),
  );
  const views: Record<Route, HTMLElement> = {
    overview: overviewPage,
    parameters: parameters.root,
    alarms: alarms.root,
    status: status.root,
    trend: trend.root,
  };
  for (const view of Object.values(views)) view.hidden = true;
  const main = h("main", { id: "main", tabindex: -1 }, ...Object.values(views));
  const footer = h(
    "footer",
    null,
    h("span", { class: "version" }),
    " · ",
    h("a", { href: "docs" }, "API documentation"),
  );

  document.body.replaceChildren(
    h(
      "a",
      {
        class: "skip",
        href: "#main",
        // The hash is the router's: move focus without navigating.
        onclick: (event: Event) => {
          event.preventDefault();
          main.focus();
        },
      },
      "Skip to content",
    ),
    h("header", { class: "top" }, h("h1", null, "Heat pump ", device), conn),
    simBanner,
    readOnlyBanner,
    keyBanner,
    waitingBanner,
    nav,
    main,
    footer,
  );

  let current: Route | undefined;
  const route = () => {
    const [, name = "overview", arg] = location.hash.split("/");
    const next = (ROUTES.some((r) => r.route === name) ? name : "overview") as Route;
    if (current && current !== next) {
      views[current].hidden = true;
      if (current === "parameters") parameters.hide();
      if (current === "alarms") alarms.hide();
      if (current === "status") status.hide();
      if (current === "trend") trend.hide();
    }
    const changed = current !== next;
    current = next;
    views[next].hidden = false;
    for (const [r, link] of links) {
      if (r === next) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (next === "parameters") parameters.show();
    if (next === "alarms") alarms.show();
    if (next === "status") status.show();
    if (next === "trend") trend.show(arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : undefined);
    const label = ROUTES.find((r) => r.route === next)?.label ?? "";
    document.title = `${label} · Heat pump`;
    if (changed && location.hash !== "") main.focus({ preventScroll: true });
  };
  window.addEventListener("hashchange", route);

  state.subscribe((view) => {
    const { mode } = view;
    conn.dataset.mode = mode;
    setText(
      connText,
      mode === "live"
        ? "Live"
        : mode === "polling"
          ? `Live updates unavailable — refreshing every ${view.pollEveryMs / 1000} s`
          : mode === "offline"
            ? "Offline — the gateway does not answer"
            : "Connecting…",
    );
    conn.title = view.modeDetail;
    simBanner.hidden = !view.simulator;
    setText(
      simBanner,
      view.simulatorWarning ??
        "SIMULATED heat pump: the data comes from the built-in simulator, not a real controller",
    );
    readOnlyBanner.hidden = !view.readOnly;
    keyBanner.hidden = !view.needsKey;
    // Once values are on screen, the overview's stale note says what is wrong.
    waitingBanner.hidden = view.waiting === undefined || view.needsKey || store.size > 0;
    setText(waitingBanner, view.waiting ? `Waiting for data: ${view.waiting}` : "");
    setText(
      footer.querySelector(".version") ?? footer,
      view.version ? `econet-gm3-gateway ${view.version}` : "",
    );
  });
  store.subscribe((event) => {
    if (event.kind !== "structure") return;
    const name = store.byNameLookup("Nazwa")?.value;
    setText(device, typeof name === "string" ? name.trim() : "");
  });

  setInterval(() => {
    overview.tick();
    thermostat.tick();
    if (current === "parameters") parameters.tick();
    if (current === "alarms") alarms.tick();
    if (current === "trend") trend.tick();
  }, TICK_MS);

  route();
  live.start();
  thermostat.start();
}

start();
