/**
 * Who gets the dashboard at `GET /`: a browser navigating there asks for `text/html` by name and
 * prefers it; everything else (curl's `*\/*`, aiohttp, requests, `application/json`) keeps the JSON
 * answer of HA-COMPAT.md §9. A tie between an explicit `text/html` and an explicit
 * `application/json` goes to JSON, the API's contract.
 */

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const item of header.split(",")) {
    const [mediaType = "", ...params] = item.split(";").map((part) => part.trim().toLowerCase());
    const slash = mediaType.indexOf("/");
    if (slash <= 0) continue;
    let q = 1;
    for (const param of params) {
      if (!param.startsWith("q=")) continue;
      const parsed = Number(param.slice(2));
      q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
    }
    ranges.push({ type: mediaType.slice(0, slash), subtype: mediaType.slice(slash + 1), q });
  }
  return ranges;
}

/** 2 exact, 1 `type/*`, 0 `*\/*`, -1 no match. */
function specificity(range: MediaRange, type: string, subtype: string): number {
  if (range.type === type && range.subtype === subtype) return 2;
  if (range.type === type && range.subtype === "*") return 1;
  if (range.type === "*" && range.subtype === "*") return 0;
  return -1;
}

/** The quality the client gives `type/subtype` (the most specific matching range wins) and how it matched. */
function quality(ranges: MediaRange[], type: string, subtype: string): { q: number; specificity: number } {
  let best = { q: 0, specificity: -1 };
  for (const range of ranges) {
    const s = specificity(range, type, subtype);
    if (s > best.specificity) best = { q: range.q, specificity: s };
  }
  return best;
}

/** Whether an Accept header asks for the HTML dashboard rather than the JSON answer. */
export function prefersHtml(header: string | string[] | undefined): boolean {
  if (typeof header !== "string" || header === "") return false;
  const ranges = parseAccept(header);
  const html = quality(ranges, "text", "html");
  if (html.specificity !== 2 || html.q === 0) return false;
  const json = quality(ranges, "application", "json");
  if (html.q !== json.q) return html.q > json.q;
  return json.specificity < 2;
}
