/** The soak client's HTTP calls: bounded by a timeout, never throwing (a failure is a result). */

export interface Answer {
  /** 0 when no answer came (connection refused, timeout). */
  status: number;
  /** Wall-clock ms (epoch) when the answer was complete. */
  atMs: number;
  headers: Headers | undefined;
  body: unknown;
  error?: string;
}

const TIMEOUT_MS = 15_000;

export async function call(
  base: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<Answer> {
  try {
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, atMs: Date.now(), headers: response.headers, body };
  } catch (error) {
    return { status: 0, atMs: Date.now(), headers: undefined, body: undefined, error: String(error) };
  }
}

/** `X-Data-State` and `X-Data-Age` of an answer. */
export function dataState(answer: Answer): { state: string | undefined; ageSeconds: number | undefined } {
  const age = answer.headers?.get("x-data-age");
  return {
    state: answer.headers?.get("x-data-state") ?? undefined,
    ageSeconds: age === null || age === undefined ? undefined : Number(age),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
