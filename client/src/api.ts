/**
 * Calls to the Veche API. The resident's session token lives in sessionStorage, so it ends with the
 * tab; every error answer becomes an ApiError carrying the API's stable code.
 */
import type { ChainConfig } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Session {
  token: string;
  expiresAt: string;
  residentId: string;
}

const SESSION_KEY = "veche.session";
const sessionListeners = new Set<() => void>();

export function session(): Session | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    if (new Date(s.expiresAt).getTime() <= Date.now()) {
      sessionStorage.removeItem(SESSION_KEY);
      return null;
    }
    return s;
  } catch {
    sessionStorage.removeItem(SESSION_KEY);
    return null;
  }
}

export function setSession(next: Session | null): void {
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
  for (const listener of sessionListeners) listener();
}

export function onSessionChange(listener: () => void): void {
  sessionListeners.add(listener);
}

export async function api<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const token = session()?.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, "NETWORK_ERROR", error instanceof Error ? error.message : String(error));
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, "BAD_RESPONSE", `unexpected answer from ${path}`);
  }
  if (!res.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (res.status === 401 && token) setSession(null);
    throw new ApiError(
      res.status,
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? res.statusText,
      error?.details,
    );
  }
  return parsed as T;
}

let configPromise: Promise<ChainConfig> | null = null;

/** The deployment the API serves: chain id, contract address and the JSON-RPC URL browsers may read. */
export function chainConfig(): Promise<ChainConfig> {
  configPromise ??= api<ChainConfig>("GET", "/api/config").catch((error: unknown) => {
    configPromise = null;
    throw error;
  });
  return configPromise;
}
