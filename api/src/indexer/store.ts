/**
 * The indexer's tables: decoded events written by the one instance that holds the indexer lease, and
 * read back by every instance. One SQL class fills the interface on both engines (sqlStore.ts).
 */
import type { RegistryEvent, SecretCensus } from "../../../contracts/protocol";
import type { SqlRunner } from "../store/sql";
import type { ChainEvent, IndexedBallot, IndexedPoll } from "./events";

export interface Cursor {
  block: number;
  blockHash: string;
}

export interface PollRow extends IndexedPoll {
  cityWide: boolean;
  status: "scheduled" | "cancelled" | "finalized";
  finalRoot: string | null;
  finalTallies: bigint[] | null;
  /** What the city decided, once staff publish it (text URI and its hash). */
  outcome: { hash: string; uri: string } | null;
  /** A secret poll's census as SecretPollCreated committed it; null for an open poll. */
  census: SecretCensus | null;
  block: number;
  txHash: string;
}

export interface VoterRow {
  key: string;
  resident: number;
  residentHash: string;
  district: number;
  active: boolean;
}

export interface IndexedBallotRow extends Omit<IndexedBallot, "blockHash"> {
  time: number | null;
}

export interface RedemptionRow {
  txHash: string;
  logIndex: number;
  resident: number;
  rewardId: number;
  cost: number;
  block: number;
  /** Block time in seconds, if known. */
  time: number | null;
}

/** Where the index stands; `epoch` grows at each rollback, so readers know to reload everything. */
export interface IndexState {
  cursor: Cursor | null;
  epoch: number;
}

/** A voter key's registry record as it stands after the blocks read. */
export interface VoterChange extends VoterRow {
  block: number;
}

export interface IndexerStore {
  state(): Promise<IndexState>;
  blockHash(number: number): Promise<string | null>;
  /** Stores one batch of events and moves the cursor, inside the follower's transaction. */
  apply(
    tx: SqlRunner,
    events: readonly ChainEvent[],
    blocks: ReadonlyMap<number, { hash: string; time: number }>,
    to: Cursor,
  ): Promise<void>;
  /**
   * Forgets everything after `block` (no cursor at all for `null`), for a chain that lost or replaced
   * blocks, and starts a new epoch; inside the follower's transaction.
   */
  rollbackTo(tx: SqlRunner, to: Cursor | null): Promise<void>;
  /** Replays registry, poll and reward events in chain order, inside the follower's transaction. */
  applyLatestState(tx: SqlRunner, events: readonly ChainEvent[]): Promise<void>;
  polls(): Promise<PollRow[]>;
  poll(id: number): Promise<PollRow | null>;
  voters(): Promise<VoterRow[]>;
  /** Each resident's (or, in secret polls, nullifier's) last counted revision per poll, for re-vote checks. */
  lastRevisions(): Promise<{ pollId: number; resident: number; nullifier: string | null; revision: number }[]>;
  /** The registry's enrolments, revocations and identity commitments up to `toBlock`, in chain order. */
  registryEvents(toBlock: number): Promise<RegistryEvent[]>;
  /** False for an index made before the registry's history was kept, until the writer fills it in. */
  registryHistoryComplete(): Promise<boolean>;
  completeRegistryHistory(tx: SqlRunner, events: readonly ChainEvent[]): Promise<void>;
  ballotsOfPoll(pollId: number, offset: number, limit: number): Promise<IndexedBallotRow[]>;
  /** Ballots of every poll in (poll, leaf) order after the given one, a page at a time. */
  ballotPage(after: { pollId: number; leafIndex: number }, limit: number): Promise<IndexedBallotRow[]>;
  ballotCount(pollId: number): Promise<number>;
  /** Residents' active voter keys per district: who could sign a ballot today. */
  activeVotersByDistrict(): Promise<Map<number, number>>;
  /** Redemptions of points, newest first: one resident's, or everyone's when `resident` is null. */
  redemptions(resident: number | null): Promise<RedemptionRow[]>;
  /** What changed in blocks after `from` up to `to`: for instances that read the index another one writes. */
  ballotsInBlocks(from: number, to: number): Promise<IndexedBallotRow[]>;
  votersChangedInBlocks(from: number, to: number): Promise<VoterChange[]>;
  pollsChangedInBlocks(from: number, to: number): Promise<PollRow[]>;
}
