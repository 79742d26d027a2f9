/**
 * A lean JSON-RPC client for the hot paths (broadcasting ballots, reading logs): one keep-alive
 * connection pool and JSON.parse, where ethers' provider spent most of its time decoding UTF-8 in JS.
 */
import http from "node:http";
import https from "node:https";

export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly data: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

interface RpcResponse {
  id: number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export class RpcClient {
  private readonly agent: http.Agent;
  private readonly url: URL;
  private nextId = 1;

  constructor(
    url: string,
    private readonly timeoutMs = 15_000,
  ) {
    this.url = new URL(url);
    this.agent =
      this.url.protocol === "https:"
        ? new https.Agent({ keepAlive: true, maxSockets: 16 })
        : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  async call<T>(method: string, params: unknown[]): Promise<T> {
    const [result] = await this.batch<T>([{ method, params }]);
    if (result instanceof Error) throw result;
    return result as T;
  }

  /** Sends calls in one HTTP request; each answer is its result or an RpcError, in order. */
  async batch<T>(calls: readonly { method: string; params: unknown[] }[]): Promise<(T | RpcError)[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const body = JSON.stringify(
      calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params })),
    );
    const text = await this.post(body);
    const parsed = JSON.parse(text) as RpcResponse[] | RpcResponse;
    const answers = Array.isArray(parsed) ? parsed : [parsed];
    const byId = new Map(answers.map((a) => [a.id, a]));
    return calls.map((_, i) => {
      const a = byId.get(first + i);
      if (!a) return new RpcError("no answer in batch", undefined, undefined);
      if (a.error) return new RpcError(a.error.message, a.error.code, a.error.data);
      return a.result as T;
    });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Posts a JSON-RPC body as it is and answers the node's reply as it is (for proxies). */
  post(body: string): Promise<string> {
    const client = this.url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(
        this.url,
        {
          method: "POST",
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if ((res.statusCode ?? 500) >= 400 && !text.startsWith("{") && !text.startsWith("[")) {
              reject(new RpcError(`JSON-RPC HTTP ${res.statusCode}`, undefined, text));
            } else resolve(text);
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new RpcError("JSON-RPC request timed out", undefined, undefined)));
      req.on("error", reject);
      req.end(body);
    });
  }
}
