/**
 * 405 for a path that exists under other methods (`PUT /api/parameters/X`), with the `Allow`
 * header, instead of the 404 Fastify gives any unmatched method: the route table of the server,
 * collected as routes are added, matched against the request's path.
 */
import type { FastifyInstance } from "fastify";

interface Route {
  pattern: RegExp;
  methods: Set<string>;
}

/** Fastify's URL syntax (`/api/parameters/:name`, `/docs/*`) as an anchored pattern. */
function patternOf(url: string): RegExp {
  const parts = url.split(/(:[A-Za-z0-9_]+|\*)/).map((part) => {
    if (part === "*") return ".*";
    if (part.startsWith(":")) return "[^/]+";
    return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${parts.join("")}$`);
}

export class RouteMethods {
  private readonly routes = new Map<string, Route>();

  /** Records every route added to `app` from now on (plugins registered later included). */
  watch(app: FastifyInstance): void {
    app.addHook("onRoute", (route) => {
      // A catch-all (CORS preflight's `OPTIONS *`) says nothing about which paths exist.
      if (route.url === "*" || route.url === "/*") return;
      const known = this.routes.get(route.url) ?? {
        pattern: patternOf(route.url),
        methods: new Set<string>(),
      };
      for (const method of [route.method].flat()) known.methods.add(method.toUpperCase());
      this.routes.set(route.url, known);
    });
  }

  /** The methods some route accepts for `url`'s path (sorted), empty when the path is unknown. */
  allowedFor(url: string): string[] {
    const path = url.split("?", 1)[0]!;
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}
