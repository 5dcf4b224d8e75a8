/**
 * Small files in the state directory, replaced atomically and durably: the new content goes to a
 * temporary file that is flushed to the storage (fsync) before it is renamed over the old one, and
 * the directory is flushed after the rename. Without the first fsync a power cut soon after the
 * rename can leave an empty file on a Pi's SD card (the rename reached the disk, the data did not);
 * without the second, the old file can come back.
 */
import * as nodeFs from "node:fs/promises";
import { dirname, join } from "node:path";

/** The calls the state directory makes; the real `node:fs/promises` unless a test records them. */
export interface StateFileSystem {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: true }): Promise<void>;
  readFile(path: string, encoding: "utf8"): Promise<string>;
  open(
    path: string,
    flags: string,
    mode?: number,
  ): Promise<{
    writeFile(data: string): Promise<void>;
    sync(): Promise<void>;
    close(): Promise<void>;
  }>;
}

/** Temporary files are made private; the final mode is given per file. */
const DEFAULT_MODE = 0o644;

export class StateDirectory {
  constructor(
    readonly path: string,
    private readonly fs: StateFileSystem = nodeFs,
  ) {}

  file(name: string): string {
    return join(this.path, name);
  }

  /** Parsed content, or undefined when the file is missing or unreadable (it is only a cache). */
  async read<T>(name: string, isValid: (value: unknown) => value is T): Promise<T | undefined> {
    const text = await this.readText(name);
    if (text === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(text);
      return isValid(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** The file's text, or undefined when it is missing or unreadable. */
  async readText(name: string): Promise<string | undefined> {
    try {
      return await this.fs.readFile(this.file(name), "utf8");
    } catch {
      return undefined;
    }
  }

  async write(name: string, value: unknown): Promise<void> {
    await this.writeText(name, `${JSON.stringify(value)}\n`);
  }

  /** Replaces the file with `text` (temp file, fsync, rename, fsync of the directory). */
  async writeText(name: string, text: string, options: { mode?: number } = {}): Promise<void> {
    const target = this.file(name);
    const directory = dirname(target);
    await this.fs.mkdir(directory, { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      const handle = await this.fs.open(temporary, "w", options.mode ?? DEFAULT_MODE);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.fs.rename(temporary, target);
    } catch (error) {
      await this.fs.rm(temporary, { force: true }).catch(() => {});
      throw error;
    }
    await this.syncDirectory(directory);
  }

  async remove(name: string): Promise<void> {
    await this.fs.rm(this.file(name), { force: true });
  }

  /** Makes the rename itself durable. Linux allows fsync on a directory opened read-only. */
  private async syncDirectory(directory: string): Promise<void> {
    let handle: Awaited<ReturnType<StateFileSystem["open"]>>;
    try {
      handle = await this.fs.open(directory, "r");
    } catch {
      // Platforms that cannot open a directory (Windows) have no such step.
      return;
    }
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
