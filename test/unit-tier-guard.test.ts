/** The unit tier refuses child processes, sockets and servers (test/helpers/unit-tier-guard.ts). */
import { execFile, spawn, spawnSync } from "node:child_process";
import { connect, createServer } from "node:net";
import { describe, expect, it } from "vitest";

describe("the unit tier's guard", () => {
  it("refuses to start a child process, naming the tier to move the file to", () => {
    expect(() => spawnSync("true")).toThrow(/in the unit tier: .*integration or e2e tier of test\/tiers\.ts/);
    expect(() => spawn("true")).toThrow(/child_process\.spawn\(\) in the unit tier/);
    expect(() => execFile("true")).toThrow(/child_process\.execFile\(\) in the unit tier/);
  });

  it("refuses to listen on a port or to open a socket", () => {
    expect(() => createServer().listen(0, "127.0.0.1")).toThrow(/listening on a port in the unit tier/);
    expect(() => connect(1, "127.0.0.1")).toThrow(/opening a socket in the unit tier/);
  });
});
