/**
 * Follows the ballot box's events block range by block range, stores them with the cursor in one
 * transaction, and tells listeners. Of the instances sharing a store, only the one holding the
 * "indexer" lease reads the chain and writes; the others read what it wrote from the store and tell
 * their listeners the same, so every instance keeps its memory (voters, polls, trees) current. When
 * the writer dies its lease lapses, and another instance, already caught up, takes over.
 *
 * The writer resumes from the stored cursor; when the block before a range no longer has the hash it
 * had, the chain reorganised and it steps back (and starts a new epoch, which readers reload on).
 */
import type { Logger } from "pino";
import type { Chain } from "../chain/chain";
import type { Instance } from "../cluster/instance";
import type { Sql, SqlRunner } from "../store/sql";
import { collectLogs, EVENT_TOPICS, hex } from "../../../contracts/protocol";
import type { RawLog } from "../../../contracts/protocol";
import { decodeLog } from "./events";
import type { ChainEvent } from "./events";
import { changesAsEvents } from "./readBack";
import type { Cursor, IndexerStore } from "./store";

export interface IndexedBatch {
  from: number;
  to: number;
  events: ChainEvent[];
  blockTimes: ReadonlyMap<number, number>;
}

export interface FollowerListener {
  /** Runs inside the transaction that stores the batch (in the instance that writes the index). */
  inTransaction?(tx: SqlRunner, batch: IndexedBatch): Promise<void>;
  /** Runs inside the transaction that steps the index back to `block` (in the writing instance). */
  inRollback?(tx: SqlRunner, block: number): Promise<void>;
  /** Runs once the batch is committed, in every instance. */
  afterCommit?(batch: IndexedBatch): Promise<void> | void;
  /** The index was loaded or stepped back to `block`: reload derived state (every instance). */
  afterRollback?(block: number): Promise<void> | void;
}

interface RawBlock {
  number: string;
  hash: string;
  timestamp: string;
}

export interface FollowerOptions {
  maxRange: number;
  intervalMs: number;
}

/** Thrown inside a write when the indexer lease passed to another instance: the write rolls back. */
class LeaseLost extends Error {}

const LEASE = "indexer";

export class ChainFollower {
  private readonly listeners: FollowerListener[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private chainHead = 0;
  private lastError: string | null = null;
  /** What the listeners have been told: the index up to `block`, in `epoch`. */
  private seen = { block: 0, epoch: -1 };
  private writer = false;
  private leaseRenewedAt = 0;

  constructor(
    private readonly sql: Sql,
    readonly store: IndexerStore,
    private readonly chain: Chain,
    private readonly instance: Instance,
    private readonly log: Logger,
    private readonly options: FollowerOptions = { maxRange: 100, intervalMs: 250 },
  ) {
    this.seen.block = this.floor;
  }

  addListener(listener: FollowerListener): void {
    this.listeners.push(listener);
  }

  /** The block the index has reached, as this instance's memory knows it. */
  get height(): number {
    return this.seen.block;
  }

  get head(): number {
    return this.chainHead;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** Whether this instance writes the index (holds the lease). */
  get writing(): boolean {
    return this.writer;
  }

  /** Indexes (or reads the index) up to the chain's current head. */
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
          this.log.warn({ err }, "indexer could not read the chain or the store; retrying");
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
    if (this.writer) await this.instance.leases.release(LEASE, this.instance.id).catch(() => undefined);
    this.writer = false;
  }

  private get floor(): number {
    return this.chain.deployment.deployedBlock - 1;
  }

  /** One range; true when the head is reached. */
  private async step(): Promise<boolean> {
    const now = Date.now();
    // The lease is renewed by every write, and here when there was nothing to write for a while.
    if (!this.writer || now - this.leaseRenewedAt > this.instance.options.leaseTtlMs / 4) {
      const wasWriter = this.writer;
      this.writer = await this.instance.take(LEASE, now);
      if (this.writer) this.leaseRenewedAt = now;
      if (this.writer !== wasWriter) this.log.info({ writer: this.writer }, "indexer lease changed hands");
    }
    return this.writer ? this.writeStep() : this.readStep();
  }

  /** Tells the listeners what the writer stored since they last heard; true when they have it all. */
  private async readStep(): Promise<boolean> {
    const { cursor, epoch } = await this.store.state();
    const stored = cursor?.block ?? this.floor;
    if (epoch !== this.seen.epoch) {
      this.seen = { block: stored, epoch };
      for (const l of this.listeners) await l.afterRollback?.(stored);
      return true;
    }
    if (stored <= this.seen.block) return true;
    const from = this.seen.block;
    const to = Math.min(stored, from + this.options.maxRange * 10);
    const [ballots, voters, polls] = await Promise.all([
      this.store.ballotsInBlocks(from, to),
      this.store.votersChangedInBlocks(from, to),
      this.store.pollsChangedInBlocks(from, to),
    ]);
    const { events, blockTimes } = changesAsEvents(ballots, voters, polls);
    this.seen.block = to;
    await this.tell({ from: from + 1, to, events, blockTimes });
    return to >= stored;
  }

  private async writeStep(): Promise<boolean> {
    const rpc = this.chain.rpc;
    this.chainHead = Number(await rpc.call<string>("eth_blockNumber", []));
    const { cursor, epoch } = await this.store.state();
    // Another instance wrote since this one last heard (it held the lease before): catch up first.
    if (epoch !== this.seen.epoch || (cursor?.block ?? this.floor) !== this.seen.block) {
      await this.readStep();
      return false;
    }
    // A node that lost blocks (a restart after a crash) or switched branches: step back first.
    if (cursor && (cursor.block > this.chainHead || !(await this.sameBlock(cursor)))) {
      await this.rollback(Math.min(cursor.block, this.chainHead + 1));
      return false;
    }
    if (cursor && !(await this.store.registryHistoryComplete())) {
      await this.completeRegistryHistory(cursor.block);
      return false;
    }
    const from = (cursor?.block ?? this.floor) + 1;
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
    const written = await this.asWriter(async (tx) => {
      await this.store.apply(tx, events, blocks, { block: to, blockHash: toBlock.hash });
      for (const l of this.listeners) await l.inTransaction?.(tx, batch);
    });
    if (!written) return false;
    this.seen.block = to;
    await this.tell(batch);
    return to >= this.chainHead;
  }

  /** Runs a write as the lease holder, renewing the lease in it; a lost lease rolls it back. */
  private async asWriter(write: (tx: SqlRunner) => Promise<void>): Promise<boolean> {
    const now = Date.now();
    try {
      await this.sql.transaction(async (tx) => {
        if (!(await this.instance.fence(tx, LEASE, now))) throw new LeaseLost();
        await write(tx);
      });
      this.leaseRenewedAt = now;
      return true;
    } catch (err) {
      if (!(err instanceof LeaseLost)) throw err;
      this.writer = false;
      this.log.warn("indexer lease passed to another instance; reading the index it writes");
      return false;
    }
  }

  private async tell(batch: IndexedBatch): Promise<void> {
    for (const l of this.listeners) await l.afterCommit?.(batch);
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
    const floor = this.floor;
    let keep: Cursor | null = null;
    for (let block = from - 1; block > floor; block--) {
      const stored = await this.store.blockHash(block);
      if (stored === null) continue;
      const onChain = await this.chain.rpc.call<RawBlock | null>("eth_getBlockByNumber", [hex(block), false]);
      if (onChain?.hash === stored) {
        keep = { block, blockHash: stored };
        break;
      }
    }
    const kept = keep?.block ?? floor;
    this.log.warn(
      { from, keep: kept },
      "the chain lost or replaced blocks; re-indexing from the last block it still has",
    );
    const registryEvents = keep ? await this.nonBallotEvents(floor + 1, kept) : [];
    await this.asWriter(async (tx) => {
      await this.store.rollbackTo(tx, keep);
      await this.store.applyLatestState(tx, registryEvents);
      for (const l of this.listeners) await l.inRollback?.(tx, kept);
    });
    if (this.writer) await this.readStep();
  }

  /**
   * An index made before the registry's history was kept has it only from then on, and a secret
   * poll's census, rebuilt from it, would not match. The history is read again from the deployment
   * block to the cursor, once; events already kept stay as they are.
   */
  private async completeRegistryHistory(to: number): Promise<void> {
    this.log.warn({ to }, "filling in the registry's history from the deployment block");
    const events = await this.nonBallotEvents(this.floor + 1, to);
    await this.asWriter((tx) => this.store.completeRegistryHistory(tx, events));
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
