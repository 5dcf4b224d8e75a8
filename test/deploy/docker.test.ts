/**
 * The Dockerfile, .dockerignore and docker-compose.yml, checked without a Docker engine: parsed
 * with a real Dockerfile parser and compared with the repository and package.json.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DockerfileParser, type ImageTemplate, type Instruction } from "dockerfile-ast";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { settingsSchema } from "../../src/config/schema.js";
import { repoRoot } from "../helpers/built-cli.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const dockerfile = DockerfileParser.parse(read("Dockerfile"));
const packageJson = JSON.parse(read("package.json")) as {
  scripts: Record<string, string>;
  files: string[];
  bin: Record<string, string>;
};
const ignored = read(".dockerignore")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));

const stages = dockerfile.getFROMs().map((from) => from.getBuildStage());
/** The image template (build stage) that each FROM starts. */
const [buildStage, runtimeStage] = dockerfile.getFROMs().map((from) => {
  const stage = dockerfile.getContainingImage(from.getRange().start);
  if (!stage) throw new Error(`no build stage at line ${from.getRange().start.line + 1}`);
  return stage;
}) as [ImageTemplate, ImageTemplate];

const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());
const keyword = (image: ImageTemplate, name: string) =>
  image.getInstructions().filter((i) => i.getKeyword() === name);
const runText = (image: ImageTemplate) => keyword(image, "RUN").map((i) => args(i).join(" "));

/** The JSON (exec) form of CMD/HEALTHCHECK CMD as an array, or undefined for the shell form. */
function execForm(text: string): string[] | undefined {
  const match = /(\[.*\])\s*$/s.exec(text);
  return match ? (JSON.parse(match[1]!) as string[]) : undefined;
}

describe("Dockerfile", () => {
  it("has a build stage and a runtime stage from the same slim Node image", () => {
    expect(stages).toEqual(["build", "runtime"]);
    const images = dockerfile.getFROMs().map((from) => from.getImage());
    expect(new Set(images).size).toBe(1);
    const imageArg = dockerfile.getInitialARGs()[0]?.getProperty();
    expect(imageArg?.getName()).toBe("NODE_IMAGE");
    // Pinned to an exact release of a supported LTS line (package.json engines: 22 and 24).
    expect(imageArg?.getValue()).toMatch(/^node:(22|24)\.\d+\.\d+-bookworm-slim$/);
  });

  it("copies only files that exist in the build context and are not ignored", () => {
    const copies = dockerfile.getCOPYs().filter((copy) => copy.getFromFlag() === null);
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const sources = args(copy)
        .filter((a) => !a.startsWith("--"))
        .slice(0, -1);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) {
        expect(existsSync(join(repoRoot, source)), `COPY source ${source}`).toBe(true);
        if (source !== ".")
          expect(ignored, `COPY source ${source} is in .dockerignore`).not.toContain(source);
      }
    }
  });

  it("copies from the build stage only what that stage makes", () => {
    const fromBuild = dockerfile.getCOPYs().filter((copy) => copy.getFromFlag() !== null);
    expect(fromBuild.length).toBeGreaterThan(0);
    const made = runText(buildStage).join("\n");
    for (const copy of fromBuild) {
      expect(copy.getFromFlag()?.getValue()).toBe("build");
      const [source] = args(copy).filter((a) => !a.startsWith("--"));
      const path = source!.replace(/\/$/, "");
      // The stage creates it (mkdir … /pkg, tar -C /pkg).
      expect(made).toMatch(new RegExp(`mkdir (-p )?${path}\\b`));
    }
  });

  it("builds with dev dependencies, and packs what npm publishes (prepack builds dist/)", () => {
    const build = runText(buildStage);
    // The first RUN may install the compiler better-sqlite3 needs without a prebuilt binary.
    const install = build.find((r) => /^npm ci\b/.test(r));
    expect(install).toBeDefined();
    expect(install).not.toMatch(/--omit=dev|--production/);
    expect(build.some((r) => /npm pack\b/.test(r))).toBe(true);
    expect(packageJson.scripts.prepack).toMatch(/ensure-ready|npm run build/);
    expect(packageJson.files).toContain("dist");
  });

  it("runs with production dependencies only", () => {
    const runtime = runText(runtimeStage);
    expect(runtime.some((r) => /npm ci --omit=dev\b/.test(r))).toBe(true);
    expect(
      keyword(runtimeStage, "ENV")
        .map((e) => args(e).join(" "))
        .join(" "),
    ).toMatch(/NODE_ENV=production/);
  });

  it("starts the same command as npm start", () => {
    const cmds = runtimeStage.getCMDs();
    expect(cmds).toHaveLength(1);
    const command = execForm(cmds[0]!.getArgumentsContent() ?? "");
    expect(command, "CMD in exec form, so SIGTERM reaches node").toBeDefined();
    expect(command!.join(" ")).toBe(packageJson.scripts.start);
    expect(runtimeStage.getENTRYPOINTs()).toEqual([]);
    // The script it runs is the package's bin.
    expect(Object.values(packageJson.bin)).toContain(command![1]);
  });

  it("runs as a non-root user in the dialout group", () => {
    const users = keyword(runtimeStage, "USER").map((u) => args(u)[0]);
    const user = users.at(-1);
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user?.split(":")[0]);
    const created = runText(runtimeStage).find((r) => /\buseradd\b/.test(r));
    expect(created).toMatch(new RegExp(`--groups dialout\\b.* ${user}(\\s|$)`));
  });

  it("keeps its state in a volume the user owns, at STATE_DIR", () => {
    const env = keyword(runtimeStage, "ENV").flatMap(args);
    expect(env).toContain("STATE_DIR=/data");
    const volumes = keyword(runtimeStage, "VOLUME").flatMap((v) => execForm(args(v).join(" ")) ?? args(v));
    expect(volumes).toEqual(["/data"]);
    const user = keyword(runtimeStage, "USER")
      .map((u) => args(u)[0])
      .at(-1);
    expect(runText(runtimeStage).join("\n")).toMatch(new RegExp(`chown ${user}:${user} /data`));
    // systemd's variable reaches the same setting.
    expect(settingsSchema.stateDir.aliases).toContain("STATE_DIRECTORY");
  });

  it("exposes the API's default port and checks /health with node (no curl in slim images)", () => {
    expect(keyword(runtimeStage, "EXPOSE").flatMap(args)).toEqual([String(settingsSchema.apiPort.default)]);
    const checks = runtimeStage.getHEALTHCHECKs();
    expect(checks).toHaveLength(1);
    const text = checks[0]!.getArgumentsContent() ?? "";
    const command = execForm(text);
    expect(command?.[0]).toBe("node");
    expect(command?.join(" ")).toMatch(
      /http:\/\/127\.0\.0\.1:\$\{process\.env\.API_PORT \|\| 8000\}\/health`/,
    );
    expect(text).not.toMatch(/\b(curl|wget)\b/);
    const flags = checks[0]!.getFlags().map((flag) => flag.getName());
    expect(flags).toEqual(expect.arrayContaining(["interval", "timeout", "start-period", "retries"]));
  });

  it("gives a first registration (token and discovery: 2–3 minutes) time before failures count", () => {
    const startPeriod = runtimeStage
      .getHEALTHCHECKs()[0]!
      .getFlags()
      .find((flag) => flag.getName() === "start-period")
      ?.getValue();
    const match = /^(\d+)(s|m)$/.exec(startPeriod ?? "");
    expect(match, `start-period ${startPeriod}`).not.toBeNull();
    const seconds = Number(match![1]) * (match![2] === "m" ? 60 : 1);
    expect(seconds).toBeGreaterThanOrEqual(180);
  });

  it("its health check exits 0 only when /health answers OK", async () => {
    const command = execForm(runtimeStage.getHEALTHCHECKs()[0]!.getArgumentsContent() ?? "")!;
    let status = 200;
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? "");
      response.writeHead(request.url === "/health" ? status : 404).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const check = (apiPort: number) =>
      new Promise<number | null>((resolve) =>
        execFile(
          process.execPath,
          command.slice(1),
          { env: { API_PORT: String(apiPort) }, timeout: 10_000 },
          (error) => resolve(error ? ((error as { code?: number }).code ?? null) : 0),
        ),
      );
    try {
      expect(await check(port)).toBe(0);
      status = 503;
      expect(await check(port)).toBe(1);
      expect(paths).toEqual(["/health", "/health"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listening: unhealthy, not a hang.
    expect(await check(port)).toBe(1);
  });
});

describe(".dockerignore", () => {
  it("keeps dependencies, builds, local state, test output and a local config.yaml out of the context", () => {
    for (const path of [
      "node_modules",
      "dist",
      ".state",
      "test-results",
      "coverage",
      "config.yaml",
      ".git",
    ]) {
      expect(ignored).toContain(path);
    }
  });

  it("keeps what npm ci and npm pack need", () => {
    const needed = [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "tsconfig.build.json",
      "src",
      "scripts",
      ...packageJson.files.filter((f) => !f.startsWith("!") && f !== "dist"),
    ];
    for (const path of needed) {
      expect(existsSync(join(repoRoot, path)), path).toBe(true);
      expect(ignored, `${path} must reach the build`).not.toContain(path);
    }
  });
});

describe("docker-compose.yml", () => {
  const compose = parseYaml(read("docker-compose.yml")) as {
    services: Record<
      string,
      {
        build: string;
        restart: string;
        devices: string[];
        environment: Record<string, string>;
        ports: string[];
        volumes: string[];
      }
    >;
    volumes: Record<string, unknown>;
  };
  const service = compose.services.gateway!;

  it("maps the adapter to the SERIAL_PORT the gateway opens", () => {
    expect(service.devices).toHaveLength(1);
    const [host, container] = service.devices[0]!.split(/:(?=\/dev\/)/);
    expect(host).toMatch(/^\$\{GM3_DEVICE:-\/dev\/ttyUSB0\}$/);
    expect(service.environment.SERIAL_PORT).toBe(container);
  });

  it("restarts the gateway, keeps its state in a named volume and publishes the API", () => {
    expect(["always", "unless-stopped", "on-failure"]).toContain(service.restart);
    expect(service.build).toBe(".");
    const [volume, target] = service.volumes[0]!.split(":");
    expect(target).toBe("/data");
    expect(Object.keys(compose.volumes)).toContain(volume);
    expect(service.ports).toEqual([`${settingsSchema.apiPort.default}:${settingsSchema.apiPort.default}`]);
  });
});
