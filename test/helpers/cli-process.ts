/**
 * The built CLI as a real child process for tests: its output collected, its exit awaited, and
 * every process started here killed by `killCliProcesses()` (call it in afterEach) if still alive.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `node <cli> argv…` in `cwd` with only `env` (plus PATH). */
export function startCliProcess(
  cli: string,
  argv: string[],
  cwd: string,
  env: Record<string, string> = {},
): CliProcess {
  const child = spawn(process.execPath, [cli, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** SIGKILL for every process started here that has not exited. */
export function killCliProcesses(): void {
  for (const child of running)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  running.clear();
}
