/** JSON output for `--json`: buffers as hex, bigints as decimal strings, NaN as null. */

export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "number" && !Number.isFinite(v)) return null;
    if (
      v &&
      typeof v === "object" &&
      (v as { type?: unknown }).type === "Buffer" &&
      Array.isArray((v as { data?: unknown }).data)
    ) {
      return Buffer.from((v as { data: number[] }).data).toString("hex");
    }
    return v;
  });
}
