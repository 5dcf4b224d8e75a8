/** A temporary working directory per test, removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

export function useTempDir(): { readonly path: string; write(name: string, text: string): string } {
  const dirs: string[] = [];
  let current = "";
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    current = "";
  });
  const ensure = () => {
    if (!current) {
      current = mkdtempSync(join(tmpdir(), "gm3-config-"));
      dirs.push(current);
    }
    return current;
  };
  return {
    get path() {
      return ensure();
    },
    write(name, text) {
      const path = join(ensure(), name);
      writeFileSync(path, text);
      return path;
    },
  };
}
