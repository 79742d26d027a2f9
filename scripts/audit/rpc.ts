/**
 * A small JSON-RPC client over fetch: the audit reads raw logs and blocks by the thousand, and needs
 * plain errors it can react to (a node refusing a too-large log range), not a provider's retries.
 */
export class AuditError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AuditError";
  }
}

/** An error answered by the node itself (as opposed to the node being unreachable). */
export class RpcError extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

interface RpcAnswer {
  id: number;
  result?: unknown;
  error?: { code: number; message: string };
}

export class Rpc {
  private nextId = 1;

  constructor(
    readonly url: string,
    private readonly timeoutMs = 120_000,
  ) {
    if (!/^https?:\/\//.test(url)) throw new AuditError("RPC_URL_INVALID", `not an http(s) JSON-RPC URL: ${url}`);
  }

  async call<T>(method: string, params: unknown[]): Promise<T> {
    const [answer] = await this.send([{ method, params }]);
    return answer as T;
  }

  /** Several calls in one JSON-RPC batch; answers in the order asked. */
  async batch<T>(calls: readonly { method: string; params: unknown[] }[]): Promise<T[]> {
    if (calls.length === 0) return [];
    return (await this.send(calls)) as T[];
  }

  private async send(calls: readonly { method: string; params: unknown[] }[]): Promise<unknown[]> {
    const first = this.nextId;
    this.nextId += calls.length;
    const body = calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params }));
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(calls.length === 1 ? body[0] : body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new AuditError("CHAIN_UNREACHABLE", `cannot reach ${this.url}: ${(error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RpcError(-32700, `node answered HTTP ${response.status} with non-JSON: ${text.slice(0, 200)}`);
    }
    const answers = (Array.isArray(parsed) ? parsed : [parsed]) as RpcAnswer[];
    const byId = new Map(answers.map((a) => [a.id, a]));
    return calls.map((c, i) => {
      const answer = byId.get(first + i) ?? (answers.length === 1 ? answers[0] : undefined);
      if (!answer) throw new RpcError(-32603, `no answer to ${c.method}`);
      if (answer.error) throw new RpcError(answer.error.code, `${c.method}: ${answer.error.message}`);
      return answer.result;
    });
  }
}

export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
