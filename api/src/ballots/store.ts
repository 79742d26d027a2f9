/**
 * The durable outbox of signed ballots, shared by every API instance that uses the same database.
 * Every status change is one statement or one transaction.
 */
import type { SqlRunner } from "../store/sql";

export type BallotStatus = "accepted" | "sent" | "mined" | "superseded" | "failed";

/** What a secret ballot's transaction carries besides its choices: the census area's path and the proof. */
export interface SecretPart {
  area: number;
  members: number;
  /** The area's group root, decimal. */
  root: string;
  index: number;
  siblings: string[];
  /** Decimal. */
  nullifier: string;
  depth: number;
  /** The Groth16 proof's eight numbers, decimal. */
  points: string[];
}

export interface OutboxBallot {
  seq: number;
  id: string;
  pollId: number;
  /** The voter key; a secret ballot's nullifier (decimal). */
  voter: string;
  /** The resident's number; 0 for a secret ballot. */
  resident: number;
  choices: bigint;
  revision: number;
  /** The EIP-712 signature; empty for a secret ballot. */
  signature: string;
  /** A secret ballot's area path and proof; null for an open ballot. */
  secret: SecretPart | null;
  status: BallotStatus;
  relayer: string | null;
  nonce: number | null;
  txHash: string | null;
  rawTx: string | null;
  attempts: number;
  /** Multiplies the gas bound of the ballot's next transaction; doubled after each out-of-gas end. */
  gasFactor: number;
  errorCode: string | null;
  leafIndex: number | null;
  block: number | null;
  acceptedAt: number;
  sentAt: number | null;
  finalAt: number | null;
}

export type NewBallot = Pick<
  OutboxBallot,
  "id" | "pollId" | "voter" | "resident" | "choices" | "revision" | "signature" | "secret"
>;

export interface SentBallot {
  id: string;
  relayer: string;
  nonce: number;
  txHash: string;
  rawTx: string;
}

export interface MinedEvent {
  leaf: string;
  leafIndex: number;
  block: number;
  txHash: string;
}

export interface OutboxStore {
  /** Stores new ballots in one durable transaction; a ballot already stored is left as it is. */
  addAll(ballots: readonly NewBallot[], now: number): Promise<void>;
  get(id: string): Promise<OutboxBallot | null>;
  /**
   * Takes up to `limit` accepted ballots, oldest first, that no other instance is taking; `sign` gives
   * each a transaction (or null to leave it queued), and those signed are recorded as sent in the same
   * transaction, before anything is broadcast.
   */
  claim(limit: number, sign: (ballot: OutboxBallot) => SentBallot | null, now: number): Promise<SentBallot[]>;
  /** Ballots sent from these relayer accounts but not yet seen on-chain. */
  inFlight(relayers: readonly string[]): Promise<OutboxBallot[]>;
  /** Records (re-)sent transactions before they are broadcast, so a crash can only leave them to re-send. */
  markSent(sent: readonly SentBallot[], now: number): Promise<void>;
  /**
   * Marks ballots whose BallotCast event was indexed; runs inside the indexer's transaction. Returns
   * the relayer and acceptance time of each ballot that was not marked before.
   */
  markMined(
    tx: SqlRunner,
    events: readonly MinedEvent[],
    now: number,
  ): Promise<{ relayer: string | null; acceptedAt: number }[]>;
  /**
   * Ballots counted in blocks the chain no longer has: those with their signed transaction still
   * kept go back to "sent", so the checker re-broadcasts the very same transaction (same nonce, so no
   * hole in the relayer's nonces); older ones are queued afresh. Runs inside the indexer's rollback.
   */
  unmineAfter(tx: SqlRunner, block: number): Promise<number>;
  /** Drops kept transactions of ballots mined at or before `block`, deep enough not to be lost. */
  pruneRawTransactions(block: number): Promise<number>;
  /** Puts ballots back in the queue, to be sent again with a new nonce. */
  requeue(ids: readonly string[]): Promise<void>;
  /** Queues a ballot whose transaction ran out of gas again, with twice the gas. */
  requeueWithMoreGas(id: string): Promise<void>;
  /**
   * Takes back a failed ballot submitted again once the intake found the contract would now count it
   * (say, after an out-of-gas end). Durable, as a first acceptance is.
   */
  retryFailed(id: string, now: number): Promise<boolean>;
  /**
   * Ends a ballot the contract will never count (a newer revision won, or a rule refused it), and
   * gives up the revision it reserved, so the resident can vote again at once.
   */
  finish(id: string, status: "superseded" | "failed", errorCode: string, now: number): Promise<void>;
  /** Highest revision the resident has waiting in the outbox (or counted) for the poll. */
  pendingRevision(pollId: number, resident: number): Promise<number>;
  /** The same, for each of the polls that has one. */
  pendingRevisions(pollIds: readonly number[], resident: number): Promise<Map<number, number>>;
  /**
   * The resident's latest ballot in each of the polls that has one here: the highest revision that can
   * still count, or else the highest revision refused.
   */
  myBallots(pollIds: readonly number[], resident: number): Promise<Map<number, OutboxBallot>>;
  /** Ballots sent and not yet seen on-chain, per relayer account. */
  sentPerRelayer(): Promise<Map<string, number>>;
  /** Ballots waiting to be sent and sent but not yet seen on-chain: cheap at any table size. */
  openCounts(): Promise<{ accepted: number; sent: number }>;
  /** Every status's count: reads the whole table. */
  countsByStatus(): Promise<Record<BallotStatus, number>>;
}
