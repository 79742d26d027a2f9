/**
 * Per poll, what the results routes serve from memory: the ballot tree (root and proofs), the recount
 * (tallies and voters) and the timeline (ballots per minute). A chain-follower listener: loaded from the
 * index at start, extended after each committed batch, rebuilt after a reorganisation. Ballot rows
 * themselves stay in SQLite.
 */
import { getBytes } from "ethers";
import { PollCount, totalOptions } from "../../../contracts/protocol";
import type { Db } from "../store/database";
import { BallotLayers } from "./ballotLayers";
import type { FollowerListener, IndexedBatch } from "./follower";
import { keccak256Native as nativeKeccak } from "../../../contracts/protocol/node/native";
import type { IndexerStore } from "./store";

export interface PollIndex {
  readonly tree: BallotLayers;
  readonly count: PollCount;
  /** Ballots per minute, keyed by minutes since the epoch. */
  readonly minutes: Map<number, number>;
}

interface BallotInput {
  pollId: number;
  leafIndex: number;
  leaf: string | Buffer;
  resident: number;
  choices: bigint;
  /** Block time in seconds, if known. */
  time: number | null;
}

export class PollTrees implements FollowerListener {
  private polls = new Map<number, PollIndex>();

  constructor(
    private readonly db: Db,
    private readonly store: IndexerStore,
  ) {
    this.reload();
  }

  get(pollId: number): PollIndex | undefined {
    return this.polls.get(pollId);
  }

  /** Rebuilds every poll from the stored ballot events. */
  reload(): void {
    this.polls = new Map();
    const rows = this.db
      .prepare<
        [],
        { poll_id: number; leaf_index: number; leaf: string; resident: number; choices: string; time: number | null }
      >(
        `SELECT e.poll_id, e.leaf_index, e.leaf, e.resident, e.choices, b.time
         FROM ballot_events e LEFT JOIN indexer_blocks b ON b.number = e.block
         ORDER BY e.poll_id, e.leaf_index`,
      )
      .iterate();
    let batch: BallotInput[] = [];
    for (const r of rows) {
      batch.push({
        pollId: r.poll_id,
        leafIndex: r.leaf_index,
        leaf: r.leaf,
        resident: r.resident,
        choices: BigInt(r.choices),
        time: r.time,
      });
      if (batch.length >= 10_000) {
        this.add(batch);
        batch = [];
      }
    }
    this.add(batch);
  }

  afterCommit(batch: IndexedBatch): void {
    const ballots: BallotInput[] = [];
    for (const e of batch.events) {
      if (e.kind === "ballot") ballots.push({ ...e, time: batch.blockTimes.get(e.block) ?? null });
    }
    if (ballots.length > 0) this.add(ballots);
  }

  afterRollback(): void {
    this.reload();
  }

  /** Adds ballots (any polls, each poll's in leaf order); one tree update per poll. */
  add(ballots: readonly BallotInput[]): void {
    const byPoll = new Map<number, BallotInput[]>();
    for (const b of ballots) {
      const list = byPoll.get(b.pollId);
      if (list) list.push(b);
      else byPoll.set(b.pollId, [b]);
    }
    for (const [pollId, list] of byPoll) {
      list.sort((a, b) => a.leafIndex - b.leafIndex);
      const index = this.polls.get(pollId) ?? this.create(pollId);
      const fresh = list.filter((b) => b.leafIndex >= index.tree.size);
      if (fresh.length === 0) continue;
      if (fresh.some((b, i) => b.leafIndex !== index.tree.size + i)) {
        // A gap means this memory fell behind the index: rebuild the poll from the stored events.
        this.polls.delete(pollId);
        this.reloadPoll(pollId);
        continue;
      }
      index.tree.append(fresh.map((b) => (typeof b.leaf === "string" ? Buffer.from(getBytes(b.leaf)) : b.leaf)));
      for (const b of fresh) {
        index.count.add(b);
        if (b.time !== null) {
          const minute = Math.floor(b.time / 60);
          index.minutes.set(minute, (index.minutes.get(minute) ?? 0) + 1);
        }
      }
    }
  }

  private create(pollId: number): PollIndex {
    const poll = this.store.poll(pollId);
    const index: PollIndex = {
      tree: new BallotLayers(nativeKeccak),
      count: new PollCount(poll ? totalOptions(poll.questions) : 256),
      minutes: new Map(),
    };
    this.polls.set(pollId, index);
    return index;
  }

  private reloadPoll(pollId: number): void {
    const rows = this.db
      .prepare<[number], { leaf_index: number; leaf: string; resident: number; choices: string; time: number | null }>(
        `SELECT e.leaf_index, e.leaf, e.resident, e.choices, b.time
         FROM ballot_events e LEFT JOIN indexer_blocks b ON b.number = e.block
         WHERE e.poll_id = ? ORDER BY e.leaf_index`,
      )
      .all(pollId);
    // Only the unbroken run from leaf 0: a gap in the stored events waits for the follower to fill it.
    const gap = rows.findIndex((r, i) => r.leaf_index !== i);
    const contiguous = gap === -1 ? rows : rows.slice(0, gap);
    this.add(
      contiguous.map((r) => ({
        pollId,
        leafIndex: r.leaf_index,
        leaf: r.leaf,
        resident: r.resident,
        choices: BigInt(r.choices),
        time: r.time,
      })),
    );
  }
}
