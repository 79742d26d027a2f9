/**
 * The embedded chain's public JSON-RPC endpoint: a thin front on the node. Requests for history older
 * than the node's recent blocks (blocks, transactions, receipts, logs) are answered from the archive;
 * everything else, recent history included, goes to the node as it is. Clients cannot tell the two
 * apart: the answers are the node's own JSON, kept as text. Signed transactions passing through are
 * noted for the archive's copier. Interval mining, which the launcher does for the node (miner.ts), is
 * turned off and on here as anvil would.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { NodeRpcClient } from "../../../contracts/protocol/node/rpc";
import type { ArchiveStore, LogQuery } from "./store";
import type { BlockMiner } from "../miner";
import type { SentTransactions } from "./sentTransactions";

/** Calls that may need the archive; a body naming none of them is passed through untouched. */
const HISTORY_METHODS =
  /eth_getLogs|eth_getBlockByNumber|eth_getBlockByHash|eth_getTransactionByHash|eth_getTransactionReceipt|eth_getBlockReceipts/;
/** Calls that set or read interval mining, answered by the launcher's miner. */
const MINING_METHODS =
  /evm_setIntervalMining|anvil_setIntervalMining|anvil_getIntervalMining|evm_setAutomine|evm_mine|anvil_mine|hardhat_mine/;
/** Signed transactions, noted for the archive (sentTransactions.ts). */
const SEND_METHODS = /eth_sendRawTransaction/;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const ARCHIVE_WAIT_MS = 5_000;

interface Call {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

interface LogFilter {
  fromBlock?: string;
  toBlock?: string;
  blockHash?: string;
  address?: string | string[];
  topics?: (string | string[] | null)[];
}

class NotArchived extends Error {}

export interface FrontOptions {
  /** Blocks the node surely keeps whole; older ones are answered from the archive. */
  recentBlocks: number;
  /** The node's head as last seen (may lag: a lower head only sends more to the node). */
  nodeHead: () => number;
}

export class ArchiveFront {
  private readonly server: http.Server;

  constructor(
    private readonly node: NodeRpcClient,
    private readonly store: ArchiveStore,
    private readonly miner: BlockMiner,
    private readonly sent: SentTransactions,
    private readonly options: FrontOptions,
  ) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Browsers read the chain directly (recounts, receipt checks), from the site's origin.
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-headers", "content-type");
    res.setHeader("access-control-allow-methods", "POST, OPTIONS");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    if (req.method !== "POST") return void res.writeHead(405).end();
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return void res.writeHead(413).end();
    }
    let answer: string;
    try {
      const own = HISTORY_METHODS.test(body) || MINING_METHODS.test(body);
      answer = own ? await this.answer(body) : await this.node.post(body);
      if (SEND_METHODS.test(body)) this.sent.noteAnswered(body, answer);
    } catch (err) {
      answer = rpcError(null, -32603, `chain node unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    res.writeHead(200, { "content-type": "application/json" }).end(answer);
  }

  private async answer(body: string): Promise<string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return this.node.post(body);
    }
    const calls = Array.isArray(parsed) ? (parsed as Call[]) : [parsed as Call];
    const local = await Promise.all(calls.map(async (c) => (await this.mining(c)) ?? this.fromArchive(c)));
    const forward = calls.filter((_, i) => local[i] === null);
    const forwarded = new Map<unknown, string>();
    if (forward.length > 0) {
      const text = await this.node.post(JSON.stringify(forward));
      const answers = JSON.parse(text) as unknown;
      for (const a of Array.isArray(answers) ? answers : [answers]) {
        forwarded.set((a as { id?: unknown }).id, JSON.stringify(a));
      }
    }
    const items = calls.map(
      (c, i) => local[i] ?? forwarded.get(c.id) ?? rpcError(c.id ?? null, -32603, "no answer from the chain node"),
    );
    return Array.isArray(parsed) ? `[${items.join(",")}]` : items[0]!;
  }

  /**
   * Interval mining as anvil answers it: `evm_setIntervalMining(n)` mines every n seconds (0: not on a
   * timer) and leaves automine; `evm_setAutomine(true)` mines each transaction instead. Null for others.
   */
  private async mining(call: Call): Promise<string | null> {
    const params = Array.isArray(call.params) ? (call.params as unknown[]) : [];
    const ok = (result: unknown) =>
      `{"jsonrpc":"2.0","id":${JSON.stringify(call.id ?? null)},"result":${JSON.stringify(result)}}`;
    switch (call.method) {
      case "anvil_getIntervalMining":
        return ok(this.miner.interval);
      case "evm_setIntervalMining":
      case "anvil_setIntervalMining": {
        const seconds = Number(params[0]);
        if (!Number.isInteger(seconds) || seconds < 0) {
          return rpcError(call.id ?? null, -32602, "interval mining takes a whole number of seconds");
        }
        await this.node.call("evm_setAutomine", [false]);
        this.miner.setInterval(seconds);
        return ok(null);
      }
      case "evm_setAutomine":
        if (params[0] === true) this.miner.setInterval(0);
        return null;
      case "evm_mine":
      case "anvil_mine":
      case "hardhat_mine": {
        // Blocks mined on request, as fast as a client asks, must not outrun the copier: the node would
        // drop blocks it has not copied. A request waits while the copier holds mining, as the launcher's
        // miner does, and its answer waits until the copier has seen the new head (until then, the
        // horizon would send history the node has already dropped to the node).
        const deadline = Date.now() + ARCHIVE_WAIT_MS;
        while (this.miner.isHeld && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const answer = await this.node.post(JSON.stringify(call));
        const head = Number(await this.node.call<string>("eth_blockNumber", []));
        while (this.options.nodeHead() < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        return answer;
      }
      default:
        return null;
    }
  }

  /** The call's answer text from the archive, or null to ask the node. */
  private async fromArchive(call: Call): Promise<string | null> {
    const params = Array.isArray(call.params) ? (call.params as unknown[]) : [];
    const horizon = this.options.nodeHead() - this.options.recentBlocks;
    const ok = (result: string) => `{"jsonrpc":"2.0","id":${JSON.stringify(call.id ?? null)},"result":${result}}`;
    try {
      switch (call.method) {
        case "eth_getBlockByNumber": {
          const n = blockNumber(params[0]);
          if (n === null || n > horizon) return null;
          return ok((await this.archived(n, () => this.store.block({ number: n }, params[1] === true))) ?? "null");
        }
        case "eth_getBlockReceipts": {
          const n = blockNumber(params[0]);
          if (n === null || n > horizon) return null;
          return ok((await this.archived(n, () => this.store.receiptsOf(n))) ?? "null");
        }
        case "eth_getBlockByHash": {
          const n = typeof params[0] === "string" ? this.store.blockNumberOf(params[0]) : null;
          if (n === null || n > horizon) return null;
          return ok(this.store.block({ hash: params[0] as string }, params[1] === true) ?? "null");
        }
        case "eth_getTransactionByHash":
        case "eth_getTransactionReceipt": {
          const found = typeof params[0] === "string" ? this.store.transaction(params[0]) : null;
          if (!found || found.block > horizon) return null;
          return ok(call.method === "eth_getTransactionByHash" ? found.tx() : found.receipt);
        }
        case "eth_getLogs":
          return await this.logs(call, params[0] as LogFilter | undefined, horizon);
        default:
          return null;
      }
    } catch (err) {
      if (err instanceof NotArchived) return rpcError(call.id ?? null, -32000, err.message);
      throw err;
    }
  }

  /** Logs older than the horizon from the archive, newer ones from the node, in one answer. */
  private async logs(call: Call, filter: LogFilter | undefined, horizon: number): Promise<string | null> {
    if (!filter || typeof filter !== "object") return null;
    const query = logQuery(filter);
    if (!query) return null;
    if (filter.blockHash !== undefined) {
      const n = this.store.blockNumberOf(filter.blockHash);
      if (n === null || n > horizon) return null;
      return okList(call, this.store.logs({ ...query, from: n, to: n }));
    }
    const head = Number(await this.node.call<string>("eth_blockNumber", []));
    const from = blockNumber(filter.fromBlock ?? "latest", head);
    const to = blockNumber(filter.toBlock ?? "latest", head);
    if (from === null || to === null || from > to || from > horizon) return null;
    const archivedTo = Math.min(to, horizon);
    const old = await this.archived(archivedTo, () => this.store.logs({ ...query, from, to: archivedTo }));
    let recent: unknown[] = [];
    if (to > archivedTo) {
      recent = await this.node.call<unknown[]>("eth_getLogs", [
        { ...filter, fromBlock: hexOf(archivedTo + 1), toBlock: hexOf(to) },
      ]);
    }
    return okList(call, [...(old ?? []), ...recent.map((l) => JSON.stringify(l))]);
  }

  /** Reads from the archive once it holds block `n`, waiting briefly for the copy to catch up. */
  private async archived<T>(n: number, read: () => T): Promise<T | null> {
    const deadline = Date.now() + ARCHIVE_WAIT_MS;
    while ((this.store.head()?.number ?? -1) < n) {
      if (Date.now() > deadline) throw new NotArchived(`block ${n} is not archived yet; try again`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return read();
  }
}

function okList(call: Call, items: string[]): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(call.id ?? null)},"result":[${items.join(",")}]}`;
}

function rpcError(id: unknown, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } });
}

function hexOf(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A block parameter as a number; tags need the head (without one they are left to the node). */
function blockNumber(value: unknown, head?: number): number | null {
  if (typeof value !== "string") return null;
  if (/^0x[0-9a-fA-F]+$/.test(value)) return Number(BigInt(value));
  if (value === "earliest") return 0;
  if (head !== undefined && ["latest", "safe", "finalized", "pending"].includes(value)) return head;
  return null;
}

/** The filter's addresses and topics, lower-cased; null when malformed (the node will say why). */
function logQuery(filter: LogFilter): Omit<LogQuery, "from" | "to"> | null {
  const list = (v: unknown): string[] | null =>
    typeof v === "string"
      ? [v.toLowerCase()]
      : Array.isArray(v) && v.every((x) => typeof x === "string")
        ? v.map((x) => x.toLowerCase())
        : null;
  const addresses = filter.address === undefined || filter.address === null ? [] : list(filter.address);
  if (addresses === null) return null;
  const topics: (string[] | null)[] = [];
  for (const t of filter.topics ?? []) {
    if (t === null) topics.push(null);
    else {
      const options = list(t);
      if (options === null) return null;
      topics.push(options);
    }
  }
  return topics.length > 4 ? null : { addresses, topics };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
