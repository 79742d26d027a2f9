/**
 * Follows the ballot box's events block range by block range, stores them with the cursor in one
 * SQLite transaction, and tells listeners. Resumes from its cursor after a restart; when the block
 * before a range no longer has the hash it had, the chain reorganised and the follower steps back.
 */
import type { Logger } from "pino";
import type { Chain } from "../chain/chain";
import type { Db } from "../store/database";
import { collectLogs, EVENT_TOPICS, hex } from "../../../contracts/protocol";
import type { RawLog } from "../../../contracts/protocol";
import { decodeLog } from "./events";
import type { ChainEvent } from "./events";
import { IndexerStore } from "./store";
import type { Cursor } from "./store";

export interface IndexedBatch {
  from: number;
  to: number;
  events: ChainEvent[];
  blockTimes: ReadonlyMap<number, number>;
}

export interface FollowerListener {
  /** Runs inside the transaction that stores the batch, so its writes commit with the cursor. */
  inTransaction?(batch: IndexedBatch): void;
  /** Runs after the batch is committed. */
  afterCommit?(batch: IndexedBatch): void;
  /** Everything after `block` was undone; reload derived state. */
  afterRollback?(block: number): void;
}

interface RawBlock {
  number: string;
  hash: string;
  timestamp: string;
}

export class ChainFollower {
  readonly store: IndexerStore;
  private readonly listeners: FollowerListener[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private chainHead = 0;
  private lastError: string | null = null;

  constructor(
    private readonly db: Db,
    private readonly chain: Chain,
    private readonly log: Logger,
    private readonly options: { maxRange: number; intervalMs: number } = { maxRange: 100, intervalMs: 250 },
  ) {
    this.store = new IndexerStore(db);
  }

  addListener(listener: FollowerListener): void {
    this.listeners.push(listener);
  }

  /** The block the index has reached. */
  get height(): number {
    return this.store.cursor()?.block ?? this.chain.deployment.deployedBlock - 1;
  }

  get head(): number {
    return this.chainHead;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** Indexes up to the chain's current head. */
  async catchUp(): Promise<void> {
    for (;;) {
      const reached = await this.step();
      if (reached) return;
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
          this.log.warn({ err }, "indexer could not read the chain; retrying");
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

  /** Indexes one range; true when the head is reached. */
  private async step(): Promise<boolean> {
    const rpc = this.chain.rpc;
    this.chainHead = Number(await rpc.call<string>("eth_blockNumber", []));
    const cursor = this.store.cursor();
    // A node that lost blocks (a restart after a crash) or switched branches: step back first.
    if (cursor && (cursor.block > this.chainHead || !(await this.sameBlock(cursor)))) {
      await this.rollback(Math.min(cursor.block, this.chainHead + 1));
      return false;
    }
    const from = (cursor?.block ?? this.chain.deployment.deployedBlock - 1) + 1;
    if (from > this.chainHead) return true;
    const to = Math.min(this.chainHead, from + this.options.maxRange - 1);
    const [logs, toBlock] = await Promise.all([
      rpc.call<RawLog[]>("eth_getLogs", [
        { address: this.chain.deployment.ballotBox, fromBlock: hex(from), toBlock: hex(to) },
      ]),
      rpc.call<RawBlock | null>("eth_getBlockByNumber", [hex(to), false]),
    ]);
    if (!toBlock) return false;
    const events = logs.map(decodeLog).filter((e): e is ChainEvent => e !== null);
    const blocks = await this.blockTimes(events, toBlock);
    const batch: IndexedBatch = {
      from,
      to,
      events,
      blockTimes: new Map([...blocks].map(([n, b]) => [n, b.time])),
    };
    this.db.transaction(() => {
      this.store.apply(events, blocks, { block: to, blockHash: toBlock.hash });
      for (const l of this.listeners) l.inTransaction?.(batch);
    })();
    for (const l of this.listeners) l.afterCommit?.(batch);
    return to >= this.chainHead;
  }

  private async sameBlock(cursor: Cursor): Promise<boolean> {
    const block = await this.chain.rpc.call<RawBlock | null>("eth_getBlockByNumber", [hex(cursor.block), false]);
    return block !== null && block.hash === cursor.blockHash;
  }

  /**
   * Steps back to the newest stored block the chain still has: ballots after it are forgotten, and
   * the registry, poll and reward tables (which keep latest state only) are rebuilt from their events.
   */
  private async rollback(from: number): Promise<void> {
    const floor = this.chain.deployment.deployedBlock - 1;
    let keep = floor;
    let keepHash = "";
    for (let block = from - 1; block > floor; block--) {
      const stored = this.store.blockHash(block);
      if (stored === null) continue;
      const onChain = await this.chain.rpc.call<RawBlock | null>("eth_getBlockByNumber", [hex(block), false]);
      if (onChain?.hash === stored) {
        keep = block;
        keepHash = stored;
        break;
      }
    }
    this.log.warn({ from, keep }, "the chain lost or replaced blocks; re-indexing from the last block it still has");
    const registryEvents = keep > floor ? await this.nonBallotEvents(floor + 1, keep) : [];
    this.db.transaction(() => {
      this.store.rollbackTo(keep, keepHash);
      this.store.applyLatestState(registryEvents);
      if (keep === floor) this.db.prepare("DELETE FROM indexer_cursor").run();
    })();
    for (const l of this.listeners) l.afterRollback?.(keep);
  }

  /** Registry, poll and reward events in a block range, fetched in pages. */
  private async nonBallotEvents(from: number, to: number): Promise<ChainEvent[]> {
    const filter = { address: this.chain.deployment.ballotBox, topics: [NON_BALLOT_TOPICS] };
    const logs = await collectLogs(this.chain.rpc, filter, from, to, { initialSpan: 10_000 });
    return logs.map(decodeLog).filter((e): e is ChainEvent => e !== null && e.kind !== "ballot");
  }

  /** Hash and time of every block that has events, plus the range's last block. */
  private async blockTimes(events: readonly ChainEvent[], last: RawBlock) {
    const blocks = new Map<number, { hash: string; time: number }>();
    blocks.set(Number(last.number), { hash: last.hash, time: Number(last.timestamp) });
    const missing = [...new Set(events.map((e) => e.block))].filter((n) => !blocks.has(n));
    const fetched = await this.chain.rpc.batch<RawBlock | null>(
      missing.map((n) => ({ method: "eth_getBlockByNumber", params: [hex(n), false] })),
    );
    for (const b of fetched) {
      if (b instanceof Error) throw b;
      if (b) blocks.set(Number(b.number), { hash: b.hash, time: Number(b.timestamp) });
    }
    return blocks;
  }
}

const NON_BALLOT_TOPICS = Object.entries(EVENT_TOPICS)
  .filter(([name]) => name !== "BallotCast")
  .map(([, topic]) => topic);
