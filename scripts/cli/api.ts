/**
 * A small HTTP client for the API's staff endpoints. Errors keep the API's stable code; an API that
 * cannot be reached, or answers 5xx, is retried a few times when the call is safe to repeat.
 */
import { CliError } from "./errors";

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  /** Attempts for calls safe to repeat; default 3. */
  attempts?: number;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get<T>(urlPath: string): Promise<T> {
    return this.request<T>("GET", urlPath, undefined, true);
  }

  /** `idempotent`: whether a retry after a lost answer is harmless. */
  post<T>(urlPath: string, body: unknown, idempotent = false): Promise<T> {
    return this.request<T>("POST", urlPath, body, idempotent);
  }

  private async request<T>(method: string, urlPath: string, body: unknown, retry: boolean): Promise<T> {
    const attempts = retry ? (this.options.attempts ?? 3) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, urlPath, body);
      } catch (error) {
        const transient = error instanceof CliError && (error.code === "API_UNAVAILABLE" || error.code === "API_ERROR");
        if (!transient || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
      }
    }
  }

  private async once<T>(method: string, urlPath: string, body: unknown): Promise<T> {
    const url = this.options.baseUrl + urlPath;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError("API_UNAVAILABLE", `cannot reach the API at ${this.options.baseUrl}: ${cause}`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (response.ok) return parsed as T;
    const apiError = (parsed as ApiErrorBody | null)?.error;
    const code = apiError?.code ?? (response.status >= 500 ? "API_ERROR" : `HTTP_${response.status}`);
    const message = apiError?.message ?? (text.slice(0, 200) || response.statusText);
    throw new CliError(
      response.status >= 500 && !apiError?.code ? "API_ERROR" : code,
      `${method} ${urlPath}: ${response.status} ${code}: ${message}`,
      1,
      apiError?.details,
    );
  }
}
