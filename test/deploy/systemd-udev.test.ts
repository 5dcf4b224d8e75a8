/**
 * The systemd unit, the udev rule and the Pi install script, checked against each other, the
 * configuration schema and package.json. (`systemd-analyze verify` and shellcheck run in .ci/run.)
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { settingsSchema } from "../../src/config/schema.js";
import { repoRoot } from "../helpers/built-cli.js";

const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
const packageJson = JSON.parse(read("package.json")) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
  files: string[];
  version: string;
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A unit file as section → key → values (keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!match || !current) throw new Error(`not a unit line: ${raw}`);
    current.set(match[1]!, [...(current.get(match[1]!) ?? []), match[2]!]);
  }
  return sections;
}

const unit = parseUnit(read("deploy/econet-gm3-gateway.service"));
const service = unit.get("Service")!;
const one = (key: string) => {
  const values = service.get(key);
  expect(values, key).toHaveLength(1);
  return values![0]!;
};

describe("systemd unit", () => {
  it("runs `serve` of the package's binary as a dedicated user in dialout", () => {
    const [binary, ...args] = one("ExecStart").split(" ");
    expect(binary).toMatch(/^\/.+\/econet-gm3-gateway$/);
    expect(Object.keys(packageJson.bin)).toContain("econet-gm3-gateway");
    // The same command as npm start, through the installed bin.
    expect(args).toEqual(packageJson.scripts.start!.split(" ").slice(2));
    expect(one("User")).toBe("econet-gm3");
    expect(one("SupplementaryGroups")).toBe("dialout");
    expect(unit.get("Install")?.get("WantedBy")).toEqual(["multi-user.target"]);
  });

  it("restarts on failure, but not after a configuration error (exit 2)", () => {
    expect(one("Restart")).toBe("on-failure");
    expect(one("RestartPreventExitStatus")).toBe("2");
    // Longer than the gateway's own 10 s stop deadline.
    expect(Number.parseInt(one("TimeoutStopSec"), 10)).toBeGreaterThan(10);
  });

  it("keeps state in its StateDirectory, which the configuration reads as STATE_DIRECTORY", () => {
    expect(one("StateDirectory")).toBe("econet-gm3-gateway");
    expect(settingsSchema.stateDir.aliases).toContain("STATE_DIRECTORY");
    expect(one("EnvironmentFile")).toBe("-/etc/econet-gm3-gateway/env");
    expect(one("ConfigurationDirectory")).toBe("econet-gm3-gateway");
    expect(one("WorkingDirectory")).toBe("/etc/econet-gm3-gateway");
  });

  it("is hardened, with the serial ports still reachable", () => {
    expect(one("ProtectSystem")).toBe("strict");
    for (const key of ["ProtectHome", "PrivateTmp", "NoNewPrivileges", "ProtectKernelModules"]) {
      expect(one(key), key).toBe("yes");
    }
    expect(one("RestrictAddressFamilies").split(" ").sort()).toEqual(["AF_INET", "AF_INET6", "AF_UNIX"]);
    expect(one("DevicePolicy")).toBe("closed");
    const allowed = service.get("DeviceAllow") ?? [];
    expect(allowed).toEqual(expect.arrayContaining(["char-ttyUSB rw", "char-ttyACM rw"]));
    // No PrivateDevices (it would hide /dev/ttyUSB*), no W^X (V8's JIT needs it).
    expect(service.has("PrivateDevices")).toBe(false);
    expect(service.has("MemoryDenyWriteExecute")).toBe(false);
    // A filtered system call fails with EPERM instead of killing node.
    expect(one("SystemCallErrorNumber")).toBe("EPERM");
    // The driver modules are loaded first, so DeviceAllow=char-… finds their device numbers.
    const wants = unit.get("Unit")?.get("Wants")?.join(" ") ?? "";
    expect(wants).toMatch(/modprobe@usbserial\.service/);
    expect(wants).toMatch(/modprobe@cdc_acm\.service/);
  });
});

describe("udev rule", () => {
  const rules = read("deploy/99-econet-gm3.rules")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
  /** One rule as [key, operator, value] triples. */
  const parse = (line: string) =>
    line.split(/,\s*/).map((pair) => {
      const match = /^([A-Z_]+(?:\{[\w.]+\})?)(==|!=|\+=|-=|:=|=)"([^"]*)"$/.exec(pair.trim());
      if (!match) throw new Error(`not a udev key: ${pair}`);
      return [match[1]!, match[2]!, match[3]!] as const;
    });
  const MATCH_KEYS = /^(SUBSYSTEM|KERNEL|ATTRS\{\w+\}|ENV\{\w+\})$/;

  it("names both adapters /dev/econet-gm3, readable by dialout, ignored by ModemManager", () => {
    expect(rules).toHaveLength(2);
    const parsed = rules.map(parse);
    for (const rule of parsed) {
      const get = (key: string) => rule.find(([k]) => k === key);
      expect(get("SUBSYSTEM")).toEqual(["SUBSYSTEM", "==", "tty"]);
      expect(get("SYMLINK")).toEqual(["SYMLINK", "+=", "econet-gm3"]);
      expect(get("GROUP")).toEqual(["GROUP", "=", "dialout"]);
      expect(get("MODE")).toEqual(["MODE", "=", "0660"]);
      expect(get("ENV{ID_MM_DEVICE_IGNORE}")).toEqual(["ENV{ID_MM_DEVICE_IGNORE}", "=", "1"]);
      // Matches compare (==), assignments assign.
      for (const [key, op] of rule) {
        if (op === "==") expect(key).toMatch(MATCH_KEYS);
        else expect(key).toMatch(/^(SYMLINK|GROUP|MODE|ENV\{\w+\})$/);
      }
    }
    const [ecolink, ftdi] = parsed;
    expect(ecolink).toContainEqual(["ATTRS{manufacturer}", "==", "PLUM sp. z o.o*"]);
    expect(ecolink).toContainEqual(["ATTRS{product}", "==", "ecoLINK3*"]);
    expect(ftdi).toContainEqual(["ATTRS{idVendor}", "==", "0403"]);
    expect(ftdi).toContainEqual(["ATTRS{idProduct}", "==", "6014"]);
  });
});

describe("deploy/install-pi.sh", () => {
  const script = join(repoRoot, "deploy", "install-pi.sh");
  const run = (...args: string[]) =>
    spawnSync("bash", [script, ...args], { encoding: "utf8", timeout: 20_000 });
  const userExists = spawnSync("id", ["-u", "econet-gm3"]).status === 0;

  it("--dry-run prints every step and changes nothing", () => {
    const tarball = join(repoRoot, "package.json"); // any existing file stands in for a tarball
    const before = existsSync("/etc/econet-gm3-gateway/env");
    const { status, stdout, stderr } = run("--dry-run", "--package", tarball);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const steps = stdout.split("\n").filter((line) => line.startsWith("[dry-run] "));
    const expected = [
      ...(userExists ? [] : [/^\[dry-run\] useradd --system --user-group --groups dialout .* econet-gm3$/]),
      new RegExp(`^\\[dry-run\\] npm install --global --omit=dev .* ${tarball.replace(/[.]/g, "\\.")}$`),
      /^\[dry-run\] install -m 0644 \S+ \/etc\/systemd\/system\/econet-gm3-gateway\.service$/,
      /^\[dry-run\] install -m 0644 \S+\/deploy\/99-econet-gm3\.rules \/etc\/udev\/rules\.d\/99-econet-gm3\.rules$/,
    ];
    for (const [i, pattern] of expected.entries()) expect(steps[i]).toMatch(pattern);
    expect(stdout).toMatch(/ExecStart=\/\S+\/bin\/econet-gm3-gateway serve/);
    expect(steps.slice(-3)).toEqual([
      "[dry-run] systemctl daemon-reload",
      "[dry-run] systemctl enable econet-gm3-gateway.service",
      "[dry-run] systemctl restart econet-gm3-gateway.service",
    ]);
    if (!before) {
      expect(stdout).toMatch(/install -m 0640 -o root -g econet-gm3 \S+ \/etc\/econet-gm3-gateway\/env/);
    }
    expect(existsSync("/etc/econet-gm3-gateway/env")).toBe(before);
    expect(stdout).toMatch(/dry run: nothing was changed/);
  });

  it("--dry-run without --package packs this clone and installs that tarball (not the registry)", () => {
    const { status, stdout, stderr } = run("--dry-run");
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const steps = stdout.split("\n").filter((line) => line.startsWith("[dry-run] "));
    const pack = steps.findIndex((line) => / npm pack --pack-destination /.test(line));
    expect(steps[pack]).toMatch(
      new RegExp(
        `^\\[dry-run\\] (runuser -u \\S+ -- )?env -C ${escapeRegExp(repoRoot)} npm pack --pack-destination (\\S+)$`,
      ),
    );
    const destination = steps[pack]!.split(" ").at(-1)!;
    const install = steps.findIndex((line) => / npm install --global /.test(line));
    expect(install).toBeGreaterThan(pack);
    expect(steps[install]).toMatch(
      new RegExp(
        `npm install --global .* ${escapeRegExp(`${destination}/econet-gm3-gateway-${packageJson.version}.tgz`)}$`,
      ),
    );
    expect(steps.some((line) => /npm install --global .* econet-gm3-gateway$/.test(line))).toBe(false);
  });

  it("outside a clone and without --package, says the package is not published and how to install", () => {
    const dir = mkdtempSync(join(tmpdir(), "install-pi-"));
    try {
      for (const file of ["install-pi.sh", "econet-gm3-gateway.service", "99-econet-gm3.rules"])
        copyFileSync(join(repoRoot, "deploy", file), join(dir, file));
      const { status, stdout, stderr } = spawnSync("bash", [join(dir, "install-pi.sh"), "--dry-run"], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(status).toBe(1);
      expect(stdout).not.toMatch(/\[dry-run\]/);
      expect(stderr).toMatch(/econet-gm3-gateway is not published on the npm registry yet/);
      expect(stderr).toMatch(/git clone .* && sudo deploy\/install-pi\.sh/);
      expect(stderr).toMatch(/--package \.\/econet-gm3-gateway-<version>\.tgz/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("run from the globally installed package without --package, uses that installation", () => {
    const prefix = mkdtempSync(join(tmpdir(), "install-pi-prefix-"));
    try {
      const installed = join(prefix, "lib", "node_modules", "econet-gm3-gateway");
      mkdirSync(join(installed, "deploy"), { recursive: true });
      copyFileSync(join(repoRoot, "package.json"), join(installed, "package.json"));
      for (const file of ["install-pi.sh", "econet-gm3-gateway.service", "99-econet-gm3.rules"])
        copyFileSync(join(repoRoot, "deploy", file), join(installed, "deploy", file));
      const { status, stdout, stderr } = spawnSync(
        "bash",
        [join(installed, "deploy", "install-pi.sh"), "--dry-run"],
        { encoding: "utf8", timeout: 20_000, env: { ...process.env, npm_config_prefix: prefix } },
      );
      expect(stderr).toBe("");
      expect(status).toBe(0);
      expect(stdout).toContain(`using the package installed at ${installed}`);
      expect(stdout).not.toMatch(/\[dry-run\] .*npm (install|pack)/);
      expect(stdout).toContain(`ExecStart=${join(prefix, "bin", "econet-gm3-gateway")} serve`);
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });

  it("writes a settings template that points SERIAL_PORT at the udev name", () => {
    const text = read("deploy/install-pi.sh");
    expect(text).toMatch(/^SERIAL_PORT=\/dev\/econet-gm3$/m);
    expect(settingsSchema.serialPort.env).toBe("SERIAL_PORT");
  });

  it("refuses unknown options and missing tarballs", () => {
    expect(run("--frobnicate").status).toBe(2);
    expect(run("--package").status).toBe(2);
    const missing = run("--dry-run", "--package", "./no-such.tgz");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no such tarball or folder: \.\/no-such\.tgz/);
    expect(run("--help").status).toBe(0);
  });

  it("is in the npm package, with the unit and the rule it installs", () => {
    expect(packageJson.files).toContain("deploy");
  });
});
