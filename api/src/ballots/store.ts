/** The outbox's SQLite store. Every status change is one statement or one transaction. */
import { durably } from "../store/database";
import type { Db } from "../store/database";

export type BallotStatus = "accepted" | "sent" | "mined" | "superseded" | "failed";

export interface OutboxBallot {
  seq: number;
  id: string;
  pollId: number;
  voter: string;
  resident: number;
  choices: bigint;
  revision: number;
  signature: string;
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
  "id" | "pollId" | "voter" | "resident" | "choices" | "revision" | "signature"
>;

export interface SentBallot {
  id: string;
  relayer: string;
  nonce: number;
  txHash: string;
  rawTx: string;
}

interface Row {
  seq: number;
  id: string;
  poll_id: number;
  voter: string;
  resident: number;
  choices: string;
  revision: number;
  signature: string;
  status: BallotStatus;
  relayer: string | null;
  nonce: number | null;
  tx_hash: string | null;
  raw_tx: string | null;
  attempts: number;
  gas_factor: number;
  error_code: string | null;
  leaf_index: number | null;
  block: number | null;
  accepted_at: number;
  sent_at: number | null;
  final_at: number | null;
}

function toBallot(r: Row): OutboxBallot {
  return {
    seq: r.seq,
    id: r.id,
    pollId: r.poll_id,
    voter: r.voter,
    resident: r.resident,
    choices: BigInt(r.choices),
    revision: r.revision,
    signature: r.signature,
    status: r.status,
    relayer: r.relayer,
    nonce: r.nonce,
    txHash: r.tx_hash,
    rawTx: r.raw_tx,
    attempts: r.attempts,
    gasFactor: r.gas_factor,
    errorCode: r.error_code,
    leafIndex: r.leaf_index,
    block: r.block,
    acceptedAt: r.accepted_at,
    sentAt: r.sent_at,
    finalAt: r.final_at,
  };
}

export class OutboxStore {
  private readonly insert;
  private readonly byId;
  private readonly sent;
  private readonly mined;
  private readonly acceptedStmt;
  private readonly inFlightStmt;
  private readonly pendingRevisionStmt;
  private readonly pruneStmt;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO ballots (id, poll_id, voter, resident, choices, revision, signature, status, accepted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'accepted', ?)`,
    );
    this.byId = db.prepare<[string], Row>("SELECT * FROM ballots WHERE id = ?");
    this.sent = db.prepare(
      `UPDATE ballots SET status = 'sent', relayer = ?, nonce = ?, tx_hash = ?, raw_tx = ?, sent_at = ?, attempts = attempts + 1
       WHERE id = ? AND status IN ('accepted', 'sent')`,
    );
    this.acceptedStmt = db.prepare<[number], Row>(
      "SELECT * FROM ballots WHERE status = 'accepted' ORDER BY seq LIMIT ?",
    );
    this.inFlightStmt = db.prepare<[], Row>("SELECT * FROM ballots WHERE status = 'sent' ORDER BY seq");
    this.pendingRevisionStmt = db.prepare<[number, number], { r: number | null }>(
      "SELECT MAX(revision) AS r FROM ballots WHERE poll_id = ? AND resident = ? AND status IN ('accepted', 'sent', 'mined')",
    );
    this.pruneStmt = db.prepare(
      "UPDATE ballots SET raw_tx = NULL WHERE status = 'mined' AND raw_tx IS NOT NULL AND block <= ?",
    );
    // The signed transaction is kept until its block is deep, in case the node loses that block.
    this.mined = db.prepare<[number, number, string, number, string], { relayer: string | null; accepted_at: number }>(
      `UPDATE ballots SET status = 'mined', leaf_index = ?, block = ?, tx_hash = ?, error_code = NULL, final_at = ?
       WHERE id = ? AND status != 'mined' RETURNING relayer, accepted_at`,
    );
  }

  /** Stores new ballots in one transaction; a ballot already stored is left as it is. */
  addAll(ballots: readonly NewBallot[], now: number): void {
    // The API answers "accepted" only after this returns, so it must reach the disk.
    durably(this.db, () => {
      for (const b of ballots) {
        this.insert.run(b.id, b.pollId, b.voter, b.resident, b.choices.toString(), b.revision, b.signature, now);
      }
    });
  }

  get(id: string): OutboxBallot | null {
    const row = this.byId.get(id);
    return row ? toBallot(row) : null;
  }

  /** Accepted ballots not yet handed to a relayer, oldest first. */
  accepted(limit: number): OutboxBallot[] {
    return this.acceptedStmt.all(limit).map(toBallot);
  }

  /** Ballots sent but not yet seen on-chain. */
  inFlight(): OutboxBallot[] {
    return this.inFlightStmt.all().map(toBallot);
  }

  /** Records transactions before they are broadcast, so a crash can only leave them to re-send. */
  markSent(sent: readonly SentBallot[], now: number): void {
    this.db.transaction(() => {
      for (const s of sent) this.sent.run(s.relayer, s.nonce, s.txHash, s.rawTx, now, s.id);
    })();
  }

  /**
   * Marks ballots whose BallotCast event was indexed; runs inside the indexer's transaction. Returns
   * the relayer and acceptance time of each ballot that was not marked before.
   */
  markMined(
    events: readonly { leaf: string; leafIndex: number; block: number; txHash: string }[],
    now: number,
  ): { relayer: string | null; acceptedAt: number }[] {
    const marked: { relayer: string | null; acceptedAt: number }[] = [];
    for (const e of events) {
      const row = this.mined.get(e.leafIndex, e.block, e.txHash, now, e.leaf);
      if (row) marked.push({ relayer: row.relayer, acceptedAt: row.accepted_at });
    }
    return marked;
  }

  /**
   * Ballots counted in blocks the chain no longer has: those with their signed transaction still
   * kept go back to "sent", so the checker re-broadcasts the very same transaction (same nonce, so no
   * hole in the relayer's nonces); older ones are queued afresh.
   */
  unmineAfter(block: number): number {
    const resend = this.db
      .prepare(
        `UPDATE ballots SET status = 'sent', sent_at = 0, leaf_index = NULL, block = NULL, final_at = NULL
         WHERE status = 'mined' AND block > ? AND raw_tx IS NOT NULL`,
      )
      .run(block).changes;
    const requeue = this.db
      .prepare(
        `UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL,
           leaf_index = NULL, block = NULL, final_at = NULL
         WHERE status = 'mined' AND block > ?`,
      )
      .run(block).changes;
    return resend + requeue;
  }

  /** Drops kept transactions of ballots mined at or before `block`, deep enough not to be lost. */
  pruneRawTransactions(block: number): number {
    return this.pruneStmt.run(block).changes;
  }

  /** Puts ballots back in the queue, to be sent again with a new nonce. */
  requeue(ids: readonly string[]): void {
    const stmt = this.db.prepare(
      "UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL, raw_tx = NULL WHERE id = ? AND status = 'sent'",
    );
    this.db.transaction(() => {
      for (const id of ids) stmt.run(id);
    })();
  }

  /** Queues a ballot whose transaction ran out of gas again, with twice the gas. */
  requeueWithMoreGas(id: string): void {
    this.db
      .prepare(
        `UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL, raw_tx = NULL,
           gas_factor = gas_factor * 2 WHERE id = ? AND status = 'sent'`,
      )
      .run(id);
  }

  /**
   * Takes back a failed ballot submitted again once the intake found the contract would now count it
   * (say, after an out-of-gas end). Durable, as a first acceptance is.
   */
  retryFailed(id: string, now: number): boolean {
    return durably(
      this.db,
      () =>
        this.db
          .prepare(
            `UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL, raw_tx = NULL,
               error_code = NULL, final_at = NULL, accepted_at = ? WHERE id = ? AND status = 'failed'`,
          )
          .run(now, id).changes > 0,
    );
  }

  /** Ends a ballot the contract will never count: a newer revision won, or a rule refused it. */
  finish(id: string, status: "superseded" | "failed", errorCode: string, now: number): void {
    this.db
      .prepare(
        "UPDATE ballots SET status = ?, error_code = ?, raw_tx = NULL, final_at = ? WHERE id = ? AND status IN ('accepted', 'sent')",
      )
      .run(status, errorCode, now, id);
  }

  /** Highest revision the resident has waiting in the outbox for the poll. */
  pendingRevision(pollId: number, resident: number): number {
    const row = this.pendingRevisionStmt.get(pollId, resident);
    return row?.r ?? 0;
  }

  /**
   * The resident's latest ballot in each of the polls that has one here: the highest revision that can
   * still count, or else the highest revision refused.
   */
  myBallots(pollIds: readonly number[], resident: number): Map<number, OutboxBallot> {
    const mine = new Map<number, OutboxBallot>();
    const rank = (b: OutboxBallot) => (b.status === "failed" || b.status === "superseded" ? 0 : 1);
    for (let i = 0; i < pollIds.length; i += 500) {
      const chunk = pollIds.slice(i, i + 500);
      const rows = this.db
        .prepare<number[], Row>(
          `SELECT * FROM ballots WHERE resident = ? AND poll_id IN (${chunk.map(() => "?").join(",")})`,
        )
        .all(resident, ...chunk)
        .map(toBallot);
      for (const b of rows) {
        const best = mine.get(b.pollId);
        if (!best || rank(b) > rank(best) || (rank(b) === rank(best) && b.revision > best.revision)) {
          mine.set(b.pollId, b);
        }
      }
    }
    return mine;
  }

  countsByStatus(): Record<BallotStatus, number> {
    const counts: Record<BallotStatus, number> = { accepted: 0, sent: 0, mined: 0, superseded: 0, failed: 0 };
    for (const r of this.db
      .prepare<[], { status: BallotStatus; c: number }>("SELECT status, COUNT(*) AS c FROM ballots GROUP BY status")
      .all()) {
      counts[r.status] = r.c;
    }
    return counts;
  }
}
