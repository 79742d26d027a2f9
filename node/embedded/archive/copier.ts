/**
 * Copies each new block of the node, with its transactions, receipts and logs, into the archive
 * before the node drops them from memory. Blocks the node no longer has (after a crash it restarted
 * from an older state dump, or a revert) are dropped from the archive too, so the archive only ever
 * holds the node's own chain. If copying falls behind, mining is held until it catches up: a block
 * the node forgot before it was copied would be lost for good.
 */
import type { NodeRpcClient } from "../../../contracts/protocol/node/rpc";
import type { ArchivedLog, ArchiveStore, FullBlock } from "./store";
import type { BlockMiner } from "../miner";
import type { SentTransactions } from "./sentTransactions";
import { rebuildable } from "./txJson";

/** A block as `eth_getBlockByNumber(n, false)` answers it: transactions as hashes. */
interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  transactions: string[];
  [field: string]: unknown;
}

interface FullRpcBlock {
  hash: string;
  transactions: { hash: string }[];
}

interface RpcReceipt {
  transactionHash: string;
  logs: { address: string; topics: string[]; logIndex: string }[];
}

export interface CopierOptions {
  /** How often to look for new blocks. */
  intervalMs: number;
  /** Blocks copied per round trip. */
  batch: number;
  /** Behind by this many blocks, the node's mining is held until the copy catches up. */
  holdMiningAt: number;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** The transactions root of a block without transactions. */
const EMPTY_TRANSACTIONS_ROOT = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";

export class ArchiveCopier {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private nodeHead = 0;
  private copiedTransactions = 0;
  lastError: string | null = null;

  constructor(
    private readonly rpc: NodeRpcClient,
    private readonly store: ArchiveStore,
    private readonly miner: BlockMiner,
    private readonly sent: SentTransactions,
    private readonly options: CopierOptions,
    private readonly log: (message: string) => void,
  ) {}

  /** Transactions copied since this copier started: it moves whenever the node's state may have. */
  get transactions(): number {
    return this.copiedTransactions;
  }

  /** The node's head as last seen. */
  get head(): number {
    return this.nodeHead;
  }

  /** Brings the archive level with the node once; call before serving from it. */
  async catchUp(): Promise<void> {
    for (;;) {
      const before = this.store.head()?.number ?? -1;
      if (await this.round()) return;
      // A round that copied nothing and dropped nothing would only repeat itself: try again later.
      if ((this.store.head()?.number ?? -1) === before) throw new Error("the node's blocks changed while copying");
    }
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.catchUp()
        .then(() => {
          this.lastError = null;
        })
        .catch((err: unknown) => {
          this.lastError = err instanceof Error ? err.message : String(err);
        })
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Copies one batch; true when the archive reached the node's head. */
  private async round(): Promise<boolean> {
    this.nodeHead = Number(await this.rpc.call<string>("eth_blockNumber", []));
    const archived = this.store.head();
    if (archived && !(await this.nodeHas(archived))) {
      await this.dropLostBlocks(archived.number);
      return false;
    }
    const from = archived ? archived.number + 1 : 0;
    if (from > this.nodeHead) {
      this.miner.hold(false);
      return true;
    }
    this.miner.hold(this.nodeHead - from >= this.options.holdMiningAt);
    const to = Math.min(this.nodeHead, from + this.options.batch - 1);
    const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const answers = await this.rpc.batch<unknown>(
      numbers.flatMap((n) => [
        { method: "eth_getBlockByNumber", params: [hex(n), false] },
        { method: "eth_getBlockReceipts", params: [hex(n)] },
      ]),
    );
    const fetched: { block: RpcBlock; receipts: RpcReceipt[] }[] = [];
    let parent = archived?.hash ?? null;
    for (let i = 0; i < numbers.length; i++) {
      const block = answers[2 * i] as RpcBlock | Error | null;
      const receipts = answers[2 * i + 1] as RpcReceipt[] | Error | null;
      if (block instanceof Error) throw block;
      if (receipts instanceof Error) throw receipts;
      if (!block) break;
      if (!receipts) throw new Error(`block ${numbers[i]}: the node has no receipts for it; history is incomplete`);
      // The node moved to another branch between our calls: start the round again.
      if (parent !== null && block.parentHash !== parent) break;
      const forgotten = block.transactions.length === 0 && block.transactionsRoot !== EMPTY_TRANSACTIONS_ROOT;
      if (forgotten || receipts.length !== block.transactions.length) {
        throw new Error(`block ${numbers[i]}: the node no longer has its transactions; history is incomplete`);
      }
      fetched.push({ block, receipts });
      parent = block.hash;
    }
    const blocks = await this.withTransactions(fetched);
    this.store.append(blocks);
    for (const { block } of fetched.slice(0, blocks.length)) this.copiedTransactions += block.transactions.length;
    return blocks.length === numbers.length && to >= this.nodeHead;
  }

  /**
   * Each block with its signed transactions: those sent through the front as they were sent; for a
   * block with others (sent to the node directly, or before a restart) the node's own JSON.
   */
  private async withTransactions(fetched: { block: RpcBlock; receipts: RpcReceipt[] }[]): Promise<FullBlock[]> {
    const known = fetched.map(({ block }) =>
      block.transactions.map((hash) => {
        const raw = this.sent.take(hash);
        return raw !== undefined && rebuildable(raw) ? raw : undefined;
      }),
    );
    const incomplete = fetched.filter((_, i) => known[i]!.some((raw) => raw === undefined));
    const full =
      incomplete.length === 0
        ? []
        : await this.rpc.batch<FullRpcBlock | null>(
            incomplete.map(({ block }) => ({ method: "eth_getBlockByNumber", params: [block.number, true] })),
          );
    const jsonOf = new Map<string, string>();
    for (const [i, answer] of full.entries()) {
      if (answer instanceof Error) throw answer;
      if (answer?.hash !== incomplete[i]!.block.hash)
        throw new Error(`block ${incomplete[i]!.block.number} changed while copying`);
      for (const tx of answer.transactions) jsonOf.set(tx.hash.toLowerCase(), JSON.stringify(tx));
    }
    return fetched.map(({ block, receipts }, i) =>
      toFullBlock(block, receipts, (hash, j) => known[i]![j] ?? jsonOf.get(hash.toLowerCase())),
    );
  }

  private async nodeHas(archived: { number: number; hash: string }): Promise<boolean> {
    if (archived.number > this.nodeHead) return false;
    const block = await this.rpc.call<{ hash: string } | null>("eth_getBlockByNumber", [hex(archived.number), false]);
    return block?.hash === archived.hash;
  }

  /** Steps back to the newest archived block the node still has, and forgets what came after. */
  private async dropLostBlocks(from: number): Promise<void> {
    let keep = -1;
    for (let n = Math.min(from, this.nodeHead); n >= 0; n--) {
      const stored = this.store.hashOf(n);
      const block = await this.rpc.call<{ hash: string } | null>("eth_getBlockByNumber", [hex(n), false]);
      if (stored !== null && block?.hash === stored) {
        keep = n;
        break;
      }
    }
    this.log(`the node no longer has blocks ${keep + 1}..${from}; the archive forgets them too`);
    this.store.truncateAfter(keep);
  }
}

function toFullBlock(
  block: RpcBlock,
  receipts: readonly RpcReceipt[],
  transaction: (hash: string, index: number) => string | undefined,
): FullBlock {
  const byHash = new Map(receipts.map((r) => [r.transactionHash.toLowerCase(), r]));
  const transactions = block.transactions.map((hash, i) => {
    const receipt = byHash.get(hash.toLowerCase());
    if (!receipt) throw new Error(`block ${block.number}: no receipt for ${hash}`);
    const tx = transaction(hash, i);
    if (tx === undefined) throw new Error(`block ${block.number}: the node did not give transaction ${hash}`);
    return { hash: hash.toLowerCase(), tx, receipt: JSON.stringify(receipt) };
  });
  const logs: ArchivedLog[] = receipts.flatMap((r) =>
    r.logs.map((l) => ({
      logIndex: Number(l.logIndex),
      address: l.address.toLowerCase(),
      topics: l.topics.map((t) => t.toLowerCase()),
      json: JSON.stringify(l),
    })),
  );
  return {
    number: Number(block.number),
    hash: block.hash.toLowerCase(),
    parentHash: block.parentHash.toLowerCase(),
    header: JSON.stringify(block),
    transactions,
    logs,
  };
}
