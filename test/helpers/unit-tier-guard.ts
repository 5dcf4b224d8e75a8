/**
 * Setup of the unit tier (vitest.config.ts): a test there that starts a child process, opens a
 * socket or listens on a port fails at once, naming what it did, instead of quietly making the
 * fast tier slow and dependent on the machine. Such a file belongs to the integration or e2e tier
 * (test/tiers.ts).
 */
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";

function refuse(what: string): () => never {
  return () => {
    throw new Error(
      `${what} in the unit tier: unit tests run without child processes, sockets or servers; ` +
        "name this file in the integration or e2e tier of test/tiers.ts",
    );
  };
}

const processes = childProcess as unknown as Record<string, unknown>;
for (const name of ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"]) {
  processes[name] = refuse(`child_process.${name}()`);
}
// http, https and WebSocket servers are net.Servers; every client connection is a net.Socket.
net.Server.prototype.listen = refuse("listening on a port") as typeof net.Server.prototype.listen;
net.Socket.prototype.connect = refuse("opening a socket") as typeof net.Socket.prototype.connect;
// Named imports (`import { spawn } from "node:child_process"`) see the replacements too.
syncBuiltinESMExports();
