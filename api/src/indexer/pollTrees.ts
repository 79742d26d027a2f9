/**
 * Per poll, what the results routes serve from memory: the ballot tree (root and proofs), the recount
 * (tallies and voters) and the timeline (ballots per minute). A chain-follower listener: loaded from the
 * index at start, extended after each committed batch, rebuilt after a reorganisation. Ballot rows
 * themselves stay in the store.
 */
import { getBytes } from "ethers";
import { PollCount, totalOptions } from "../../../contracts/protocol";
import { BallotLayers } from "./ballotLayers";
import type { FollowerListener, IndexedBatch } from "./follower";
import { keccak256Native as nativeKeccak } from "../../../contracts/protocol/node/native";
import type { IndexerStore } from "./store";

export interface PollIndex {
  readonly tree: BallotLayers;
  readonly count: PollCount;
  /** Ballots per minute, keyed by minutes since the epoch. */
  readonly minutes: Map<number, number>;
  /** The recount per area: census areas in a secret poll, the voter key's district in an open one. */
  readonly areas: Map<number, PollCount>;
  /** The area each voter (resident, or nullifier) counts in now. */
  readonly voterArea: Map<number | string, number>;
}

interface BallotInput {
  pollId: number;
  leafIndex: number;
  leaf: string | Buffer;
  resident: number;
  voter: string;
  nullifier: string | null;
  area: number | null;
  choices: bigint;
  /** Block time in seconds, if known. */
  time: number | null;
}

/** The area a ballot counts in: its census area, or its voter key's district; null if unknown. */
export type AreaOf = (ballot: { voter: string; area: number | null }) => number | null;

export class PollTrees implements FollowerListener {
  private polls = new Map<number, PollIndex>();

  constructor(
    private readonly store: IndexerStore,
    private readonly areaOf: AreaOf = (b) => b.area,
  ) {}

  get(pollId: number): PollIndex | undefined {
    return this.polls.get(pollId);
  }

  /** Rebuilds every poll from the stored ballot events, a page at a time. */
  async reload(): Promise<void> {
    this.polls = new Map();
    let after = { pollId: -1, leafIndex: -1 };
    for (;;) {
      const page = await this.store.ballotPage(after, PAGE);
      await this.add(page);
      const last = page.at(-1);
      if (!last || page.length < PAGE) return;
      after = { pollId: last.pollId, leafIndex: last.leafIndex };
    }
  }

  async afterCommit(batch: IndexedBatch): Promise<void> {
    const ballots: BallotInput[] = [];
    for (const e of batch.events) {
      if (e.kind === "ballot") ballots.push({ ...e, time: batch.blockTimes.get(e.block) ?? null });
    }
    if (ballots.length > 0) await this.add(ballots);
  }

  afterRollback(): Promise<void> {
    return this.reload();
  }

  /** Adds ballots (any polls, each poll's in leaf order); one tree update per poll. */
  async add(ballots: readonly BallotInput[]): Promise<void> {
    const byPoll = new Map<number, BallotInput[]>();
    for (const b of ballots) {
      const list = byPoll.get(b.pollId);
      if (list) list.push(b);
      else byPoll.set(b.pollId, [b]);
    }
    for (const [pollId, list] of byPoll) {
      list.sort((a, b) => a.leafIndex - b.leafIndex);
      const index = this.polls.get(pollId) ?? (await this.create(pollId));
      const fresh = list.filter((b) => b.leafIndex >= index.tree.size);
      if (fresh.length === 0) continue;
      if (fresh.some((b, i) => b.leafIndex !== index.tree.size + i)) {
        // A gap means this memory fell behind the index: rebuild the poll from the stored events.
        this.polls.delete(pollId);
        await this.reloadPoll(pollId);
        continue;
      }
      index.tree.append(fresh.map((b) => (typeof b.leaf === "string" ? Buffer.from(getBytes(b.leaf)) : b.leaf)));
      for (const b of fresh) {
        const voter = b.nullifier ?? b.resident;
        index.count.add({ resident: voter, choices: b.choices });
        this.countInArea(index, voter, b);
        if (b.time !== null) {
          const minute = Math.floor(b.time / 60);
          index.minutes.set(minute, (index.minutes.get(minute) ?? 0) + 1);
        }
      }
    }
  }

  private countInArea(index: PollIndex, voter: number | string, b: BallotInput): void {
    const area = this.areaOf(b);
    const before = index.voterArea.get(voter);
    if (before !== undefined && before !== area) index.areas.get(before)?.withdraw(voter);
    if (area === null) {
      index.voterArea.delete(voter);
      return;
    }
    let count = index.areas.get(area);
    if (!count) {
      count = new PollCount(index.count.totalOptions);
      index.areas.set(area, count);
    }
    count.add({ resident: voter, choices: b.choices });
    index.voterArea.set(voter, area);
  }

  private async create(pollId: number): Promise<PollIndex> {
    const poll = await this.store.poll(pollId);
    const index: PollIndex = {
      tree: new BallotLayers(nativeKeccak),
      count: new PollCount(poll ? totalOptions(poll.questions) : 256),
      minutes: new Map(),
      areas: new Map(),
      voterArea: new Map(),
    };
    this.polls.set(pollId, index);
    return index;
  }

  private async reloadPoll(pollId: number): Promise<void> {
    const rows: BallotInput[] = [];
    for (;;) {
      const page = await this.store.ballotsOfPoll(pollId, rows.length, PAGE);
      // Only the unbroken run from leaf 0: a gap in the stored events waits for the follower to fill it.
      const gap = page.findIndex((r, i) => r.leafIndex !== rows.length + i);
      rows.push(...(gap === -1 ? page : page.slice(0, gap)));
      if (gap !== -1 || page.length < PAGE) break;
    }
    await this.add(rows);
  }
}

const PAGE = 10_000;
