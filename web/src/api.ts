/**
 * Requests to the gateway's own API, relative to the page (so it works behind a reverse proxy's
 * sub-path). With API keys configured the first 401 asks the person for a key once; it is kept in
 * sessionStorage (this tab only) and sent as X-API-Key.
 */

const KEY_STORAGE = "gm3.apiKey";

/** An error answer in the API's shape `{error, detail}` (or a network failure, status 0). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Asks for a key; resolves undefined when the person cancels. `reason` says why it is asked. */
export type KeyPrompt = (reason: string) => Promise<string | undefined>;

export class KeyStore {
  get(): string | undefined {
    try {
      return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string | undefined): void {
    try {
      if (key === undefined) sessionStorage.removeItem(KEY_STORAGE);
      else sessionStorage.setItem(KEY_STORAGE, key);
    } catch {
      // Storage disabled: the key lives as long as the page.
    }
  }
}

/** Asking again after a refused key; more is pointless. */
const MAX_KEY_ATTEMPTS = 3;

export class ApiClient {
  private pendingPrompt: Promise<string | undefined> | undefined;
  /** The key held when storage is unavailable. */
  private memoryKey: string | undefined;

  constructor(
    private readonly keys: KeyStore,
    private readonly prompt: KeyPrompt,
  ) {}

  get key(): string | undefined {
    return this.keys.get() ?? this.memoryKey;
  }

  async get<T>(path: string): Promise<T> {
    return (await this.request<T>("GET", path)).data;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>("POST", path, body)).data;
  }

  /** A POST whose success status matters (200 done, 202 accepted and still running). */
  async postFor<T>(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; data: T }> {
    return this.request<T>("POST", path, body, headers);
  }

  /** Asks for a (different) key now, e.g. after a 403 with a read-only key. */
  async askForKey(reason: string): Promise<boolean> {
    const key = await this.promptOnce(reason);
    return key !== undefined;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; data: T }> {
    for (let attempt = 0; ; attempt++) {
      const key = this.key;
      const headers: Record<string, string> = { accept: "application/json", ...extraHeaders };
      if (key) headers["x-api-key"] = key;
      if (body !== undefined) headers["content-type"] = "application/json";
      let response: Response;
      try {
        response = await fetch(path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: "no-store",
        });
      } catch (error) {
        throw new ApiError(0, "network", `the gateway did not answer (${(error as Error).message})`);
      }
      if (response.status === 401 && attempt < MAX_KEY_ATTEMPTS) {
        const reason = key
          ? "The API key was not accepted. Enter a valid key."
          : "This gateway needs an API key.";
        if ((await this.promptOnce(reason)) !== undefined) continue;
      }
      const text = await response.text();
      let data: unknown;
      try {
        data = text === "" ? undefined : JSON.parse(text);
      } catch {
        throw new ApiError(
          response.status,
          "bad-response",
          `the gateway answered ${response.status} with no JSON`,
        );
      }
      if (response.ok) return { status: response.status, data: data as T };
      const shaped = data as { error?: unknown; detail?: unknown } | undefined;
      throw new ApiError(
        response.status,
        typeof shaped?.error === "string" ? shaped.error : `http-${response.status}`,
        typeof shaped?.detail === "string" ? shaped.detail : response.statusText,
      );
    }
  }

  /** One prompt at a time: requests that fail together wait for the same answer. */
  private promptOnce(reason: string): Promise<string | undefined> {
    this.pendingPrompt ??= this.prompt(reason).then((key) => {
      this.pendingPrompt = undefined;
      if (key !== undefined) {
        this.keys.set(key);
        this.memoryKey = key;
      }
      return key;
    });
    return this.pendingPrompt;
  }
}
