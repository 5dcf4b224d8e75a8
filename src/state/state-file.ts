/** Small JSON files in the state directory, written atomically (temp file + rename). */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export class StateDirectory {
  constructor(readonly path: string) {}

  file(name: string): string {
    return join(this.path, name);
  }

  /** Parsed content, or undefined when the file is missing or unreadable (it is only a cache). */
  async read<T>(name: string, isValid: (value: unknown) => value is T): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(name), "utf8");
    } catch {
      return undefined;
    }
    try {
      const value: unknown = JSON.parse(text);
      return isValid(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  async write(name: string, value: unknown): Promise<void> {
    const target = this.file(name);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(value)}\n`, "utf8");
    await rename(temporary, target);
  }

  async remove(name: string): Promise<void> {
    await rm(this.file(name), { force: true });
  }
}
