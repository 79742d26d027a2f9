/**
 * Event logs in block ranges that adapt to the node: a range the node refuses (Besu limits ranges
 * and results) is split, and ranges grow while answers stay small, so a long quiet chain costs few
 * requests and a busy one never asks for millions of logs at once.
 */
import type { JsonRpcProvider, Log } from "ethers";

export interface LogQuery {
  address: string;
  topics: (string | null)[];
}

const MAX_LOGS_PER_REQUEST = 10_000;
const MIN_RANGE = 1;
const MAX_RANGE = 1_000_000;

export async function fetchLogs(
  provider: JsonRpcProvider,
  query: LogQuery,
  fromBlock: number,
  toBlock: number,
  onLogs?: (logs: Log[]) => void,
): Promise<Log[]> {
  const all: Log[] = [];
  let range = 5000;
  let from = fromBlock;
  while (from <= toBlock) {
    const to = Math.min(toBlock, from + range - 1);
    let logs: Log[];
    try {
      logs = await provider.getLogs({ ...query, fromBlock: from, toBlock: to });
    } catch (error) {
      if (to - from + 1 <= MIN_RANGE) throw error;
      range = Math.max(MIN_RANGE, Math.floor((to - from + 1) / 2));
      continue;
    }
    if (onLogs) onLogs(logs);
    else all.push(...logs);
    if (logs.length > MAX_LOGS_PER_REQUEST) range = Math.max(MIN_RANGE, Math.floor(range / 2));
    else if (logs.length < MAX_LOGS_PER_REQUEST / 10) range = Math.min(MAX_RANGE, range * 2);
    from = to + 1;
  }
  return all;
}
