/**
 * The one JSON-RPC client: plain calls and batches over HTTP, answers parsed with JSON.parse, errors the
 * caller can react to (a node refusing a too-large log range) instead of a provider's retries. Runs in
 * browsers and Node over fetch; node/rpc.ts swaps in a keep-alive connection pool for the hot paths.
 */

/** An error the node answered with, or an answer that is no JSON-RPC answer. */
export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

/** The node could not be reached at all (refused, reset, unknown host). */
export class RpcUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "RpcUnreachableError";
  }
}

export interface RpcCall {
  method: string;
  params: unknown[];
}

/** What readers of the chain need of a client; an ethers provider's `send` fits `call` too. */
export interface JsonRpc {
  call<T>(method: string, params: unknown[]): Promise<T>;
}

interface RpcAnswer {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export class RpcClient implements JsonRpc {
  readonly url: string;
  private nextId = 1;

  constructor(
    url: string,
    protected readonly timeoutMs = 15_000,
  ) {
    if (!/^https?:\/\//.test(url)) throw new TypeError(`not an http(s) JSON-RPC URL: ${url}`);
    this.url = url;
  }

  async call<T>(method: string, params: unknown[]): Promise<T> {
    const [result] = await this.batch<T>([{ method, params }]);
    if (result instanceof RpcError) throw result;
    return result as T;
  }

  /** Sends calls in one HTTP request; each answer is its result or an RpcError, in the order asked. */
  async batch<T>(calls: readonly RpcCall[]): Promise<(T | RpcError)[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const requests = calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params }));
    // A single call goes as a plain request: some nodes and proxies answer batches poorly.
    const text = await this.post(JSON.stringify(requests.length === 1 ? requests[0] : requests));
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RpcError(`the node answered with non-JSON: ${text.slice(0, 200)}`, -32700, text);
    }
    const answers = (Array.isArray(parsed) ? parsed : [parsed]) as RpcAnswer[];
    const byId = new Map(answers.map((a) => [a.id, a]));
    return calls.map((c, i) => {
      const a = byId.get(first + i) ?? (answers.length === 1 && calls.length === 1 ? answers[0] : undefined);
      if (!a) return new RpcError(`no answer to ${c.method}`, -32603);
      if (a.error) return new RpcError(`${c.method}: ${a.error.message}`, a.error.code, a.error.data);
      return a.result as T;
    });
  }

  /** Like batch, but throws the first error: for calls that are useless unless all succeed. */
  async batchAll<T>(calls: readonly RpcCall[]): Promise<T[]> {
    const answers = await this.batch<T>(calls);
    for (const a of answers) if (a instanceof RpcError) throw a;
    return answers as T[];
  }

  /** Releases connections the client keeps; the fetch transport keeps none of its own. */
  close(): void {}

  /** Posts a JSON-RPC body as it is and answers the node's reply text as it is. */
  async post(body: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new RpcError("JSON-RPC request timed out", undefined);
      }
      throw new RpcUnreachableError(this.url, error);
    }
    const text = await response.text();
    if (response.status >= 400 && !text.startsWith("{") && !text.startsWith("[")) {
      throw new RpcError(`JSON-RPC HTTP ${response.status}`, undefined, text);
    }
    return text;
  }
}

/** A block number or quantity as JSON-RPC writes it. */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
