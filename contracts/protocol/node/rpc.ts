/**
 * The protocol's JSON-RPC client over Node's own HTTP with one keep-alive connection pool, for the hot
 * paths (broadcasting ballots, reading logs, the embedded chain's front): fetch and ethers' provider
 * spent much of their time per request in JS, this spends it in JSON.parse.
 */
import http from "node:http";
import https from "node:https";
import { RpcClient, RpcError, RpcUnreachableError } from "../rpc";

export { RpcError, RpcUnreachableError };

export class NodeRpcClient extends RpcClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(url: string, timeoutMs = 15_000) {
    super(url, timeoutMs);
    this.target = new URL(url);
    this.agent =
      this.target.protocol === "https:"
        ? new https.Agent({ keepAlive: true, maxSockets: 16 })
        : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  override close(): void {
    this.agent.destroy();
  }

  override post(body: string): Promise<string> {
    const client = this.target.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(
        this.target,
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
      req.on("timeout", () => req.destroy(new RpcError("JSON-RPC request timed out", undefined)));
      req.on("error", (error) => reject(error instanceof RpcError ? error : new RpcUnreachableError(this.url, error)));
      req.end(body);
    });
  }
}
