/** The gateway's HTTP API as the bench reads it, every request with a timeout. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  /** Date.now() when the answer arrived. */
  at: number;
}

/** One request; a refused connection or a timeout gives status 0. */
export async function request(
  url: string,
  init: RequestInit = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Answer> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (/metrics)
    }
    return { status: res.status, headers: res.headers, body, at: Date.now() };
  } catch {
    return { status: 0, headers: new Headers(), body: undefined, at: Date.now() };
  }
}

export const getJson = async <T>(url: string): Promise<T | undefined> => {
  const answer = await request(url);
  return answer.status === 200 ? (answer.body as T) : undefined;
};

export function post(url: string, body: unknown): Promise<Answer> {
  return request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The part of /api/status the bench reads (docs/recovery.md, src/api status view). */
export interface BusTime {
  elapsed_ms: number;
  bus_ms: number;
  token_wait_ms: number;
  requests: number;
  bytes: number;
  wire_floor_ms: number;
  floor_ratio: number | null;
}

export interface Status {
  data: { state: string; source: string | null; age_seconds: number | null };
  link: { state: string; since: string; reconnects: number };
  bus: {
    address: number | null;
    grant_intervals: { grants: number; last_ms: number | null; average_ms: number | null };
    stats: { crc_errors: number; timeouts: number; retries: { timeout: number; garbled: number } };
  };
  discovery: { state: string; source: string | null; last_bus_time: BusTime | null };
  poll: { cycles: number; last_bus_time: BusTime | null; first_poll_complete: boolean };
  check: { state: string; last_result: string | null };
}
