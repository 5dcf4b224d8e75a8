/** The package version, read once from package.json (works from src/ and dist/). */
import { readFileSync } from "node:fs";

function readVersion(): string {
  try {
    const url = new URL("../package.json", import.meta.url);
    return (JSON.parse(readFileSync(url, "utf8")) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export const packageVersion = readVersion();
