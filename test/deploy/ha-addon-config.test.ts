/**
 * The add-on's config.yaml against the rules of Home Assistant's add-on configuration
 * (developers.home-assistant.io/docs/add-ons/configuration), written out here: required keys,
 * the architectures, ingress, services, and every option typed by its schema.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const DIR = "ha-addon/econet-gm3-gateway";
const config = parse(readFileSync(`${DIR}/config.yaml`, "utf8")) as Record<string, unknown>;
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

const REQUIRED = ["name", "version", "slug", "description", "arch"] as const;
const ARCHES = new Set(["armhf", "armv7", "aarch64", "amd64", "i386"]);
const SERVICE = /^(mqtt|mysql):(provide|want|need)$/;
/** The option types HA's schema language knows; `?` makes one optional. */
const SCHEMA_TYPE =
  /^(str|bool|email|url|password|port|device|device\(subsystem=[a-z]+\)|(int|float)(\([0-9.-]*,[0-9.-]*\))?|match\(.+\)|list\([^|()]+(\|[^|()]+)*\))\??$/;

function valueFits(type: string, value: unknown): boolean {
  const base = type.replace(/\?$/, "");
  if (base === "bool") return typeof value === "boolean";
  if (base.startsWith("int")) return Number.isInteger(value);
  if (base.startsWith("float")) return typeof value === "number";
  if (base.startsWith("list(")) return base.slice(5, -1).split("|").includes(String(value));
  if (base.startsWith("match(")) return new RegExp(base.slice(6, -1)).test(String(value));
  return typeof value === "string";
}

describe("the add-on's config.yaml", () => {
  it("has every required key, the package's version and a slug HA accepts", () => {
    for (const key of REQUIRED) expect(config[key], key).toBeDefined();
    expect(config.version).toBe(pkg.version);
    expect(config.slug).toMatch(/^[a-z0-9_]+$/);
  });

  it("names the architectures of the images (amd64, aarch64, armv7), all known to HA", () => {
    expect(config.arch).toEqual(["amd64", "aarch64", "armv7"]);
    for (const arch of config.arch as string[]) expect(ARCHES.has(arch)).toBe(true);
  });

  it("serves the dashboard through Ingress on the gateway's port, with a panel icon", () => {
    expect(config.ingress).toBe(true);
    expect(config.ingress_port).toBe(8000);
    expect(config.panel_icon).toMatch(/^mdi:[a-z0-9-]+$/);
    expect(config.watchdog).toBe("http://[HOST]:[PORT:8000]/health");
  });

  it("asks for the serial ports and, when there is one, Home Assistant's MQTT broker", () => {
    expect(config.uart).toBe(true);
    const services = config.services as string[];
    for (const service of services) expect(service).toMatch(SERVICE);
    expect(services).toContain("mqtt:want");
  });

  it("types every option by a schema HA knows, and every default fits its type", () => {
    const options = config.options as Record<string, unknown>;
    const schema = config.schema as Record<string, string>;
    for (const [name, type] of Object.entries(schema)) expect(type, name).toMatch(SCHEMA_TYPE);
    for (const [name, value] of Object.entries(options)) {
      expect(schema[name], `option ${name} has no schema`).toBeDefined();
      if (value === "" && schema[name]!.endsWith("?")) continue;
      expect(
        valueFits(schema[name]!, value),
        `${name}=${JSON.stringify(value)} against ${schema[name]}`,
      ).toBe(true);
    }
    // An option without a default must be optional.
    for (const [name, type] of Object.entries(schema))
      if (!(name in options)) expect(type, name).toMatch(/\?$/);
  });

  it("has its documentation, changelog, translations and images", () => {
    const translations = parse(readFileSync(`${DIR}/translations/en.yaml`, "utf8")) as {
      configuration: Record<string, { name: string; description: string }>;
    };
    for (const name of Object.keys(config.schema as object))
      expect(translations.configuration[name]?.name, name).toBeTruthy();
    for (const file of ["DOCS.md", "CHANGELOG.md", "Dockerfile", "run"])
      expect(readFileSync(`${DIR}/${file}`).length).toBeGreaterThan(0);
    for (const image of ["icon.png", "logo.png"]) {
      const png = readFileSync(`${DIR}/${image}`);
      expect(png.subarray(1, 4).toString("latin1"), image).toBe("PNG");
    }
    const repository = parse(readFileSync("repository.yaml", "utf8")) as Record<string, string>;
    expect(repository.name).toBeTruthy();
    expect(repository.url).toMatch(/^https:\/\//);
  });
});
