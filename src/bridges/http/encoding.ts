/** Content negotiation for the big body: gzip when the client accepts it (aiohttp and requests do). */

/** Whether an Accept-Encoding header accepts gzip (present and not `q=0`). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  for (const item of header.split(",")) {
    const [coding, ...params] = item.split(";").map((part) => part.trim().toLowerCase());
    if (coding !== "gzip" && coding !== "x-gzip") continue;
    const q = params.find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
