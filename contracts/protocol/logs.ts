/**
 * Event logs as eth_getLogs answers them, read in pages of blocks. The page adapts: it shrinks when the
 * node refuses a range (Besu caps ranges, others cap results or time out) or a page is crowded, and
 * grows over empty stretches of the chain.
 */
import { hex, RpcError } from "./rpc";
import type { JsonRpc } from "./rpc";

/** A log as JSON-RPC answers it: quantities in hex, topics and data as 0x strings. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  /** Absent in logs built by hand (tests, benchmarks); nodes always send it. */
  blockHash?: string;
  transactionHash: string;
  logIndex: string;
  removed?: boolean;
}

export interface LogFilter {
  address: string;
  topics: (string | string[] | null)[];
}

export interface ScanOptions {
  /** Blocks in the first page; default 2,000. */
  initialSpan?: number;
  /** Largest page, in blocks; default 100,000. */
  maxSpan?: number;
  /** Logs a page should hold at most; larger pages shrink the next one. Default 20,000. */
  targetLogs?: number;
}

export interface ScanPage {
  from: number;
  to: number;
  logs: RawLog[];
}

/** Yields the logs matching `filter` from `fromBlock` to `toBlock` inclusive, page by page, in order. */
export async function* scanLogs(
  rpc: JsonRpc,
  filter: LogFilter,
  fromBlock: number,
  toBlock: number,
  options: ScanOptions = {},
): AsyncGenerator<ScanPage> {
  const maxSpan = options.maxSpan ?? 100_000;
  const target = options.targetLogs ?? 20_000;
  let span = Math.min(options.initialSpan ?? 2_000, maxSpan);
  let from = fromBlock;
  while (from <= toBlock) {
    const to = Math.min(toBlock, from + span - 1);
    let logs: RawLog[];
    try {
      logs = await rpc.call<RawLog[]>("eth_getLogs", [
        { address: filter.address, topics: filter.topics, fromBlock: hex(from), toBlock: hex(to) },
      ]);
    } catch (error) {
      // The node refused the page (range or result limits, or took too long): try half as many blocks.
      if (error instanceof RpcError && span > 1) {
        span = Math.max(1, Math.floor(span / 2));
        continue;
      }
      throw error;
    }
    yield { from, to, logs };
    if (logs.length > target) span = Math.max(1, Math.floor(span / 2));
    else if (logs.length < target / 4) span = Math.min(maxSpan, span * 2);
    from = to + 1;
  }
}

/** Every matching log in the range, in chain order. */
export async function collectLogs(
  rpc: JsonRpc,
  filter: LogFilter,
  fromBlock: number,
  toBlock: number,
  options?: ScanOptions,
): Promise<RawLog[]> {
  const all: RawLog[] = [];
  for await (const page of scanLogs(rpc, filter, fromBlock, toBlock, options)) {
    for (const log of page.logs) all.push(log);
  }
  return all;
}

/** A uint256 (a poll id, say) as the 32-byte topic an indexed parameter is filtered by. */
export function uintTopic(value: bigint | number): string {
  return `0x${BigInt(value).toString(16).padStart(64, "0")}`;
}

/** An address as the 32-byte topic an indexed address parameter is filtered by. */
export function addressTopic(address: string): string {
  return `0x${"0".repeat(24)}${address.slice(2).toLowerCase()}`;
}
