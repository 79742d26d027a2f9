/** The outbox on either engine; bulk writes are one multi-row statement per 500 ballots. */
import type { Sql, SqlRunner } from "../store/sql";
import { inChunks, placeholders } from "../store/sql";
import type { BallotStatus, MinedEvent, NewBallot, OutboxBallot, OutboxStore, SecretPart, SentBallot } from "./store";

const OPEN = "('accepted', 'sent')";
/**
 * The ballots the partial index `ballots_open` holds. SQLite uses a partial index only when a query
 * repeats the index's own condition: without it, finding the next ballots to send scanned the whole
 * table, and the API's CPU per ballot grew with every ballot of the day.
 */
const OPEN_ROWS = `status IN ${OPEN}`;
const CHUNK = 500;

interface Row {
  seq: number;
  id: string;
  poll_id: number;
  voter: string;
  resident: number;
  choices: string;
  revision: number;
  signature: string;
  secret: string | null;
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
    secret: r.secret ? (JSON.parse(r.secret) as SecretPart) : null,
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

/** `(CAST(? AS TEXT), ...)` rows: the casts give PostgreSQL the types of a VALUES list of parameters. */
function typedRows(rows: number, types: readonly string[]): string {
  const row = `(${types.map((t) => `CAST(? AS ${t})`).join(", ")})`;
  return Array.from({ length: rows }, () => row).join(", ");
}

export class SqlOutboxStore implements OutboxStore {
  constructor(private readonly sql: Sql) {}

  addAll(ballots: readonly NewBallot[], now: number): Promise<void> {
    // The API answers "accepted" only after this returns, so it must reach the disk.
    return this.sql.transaction(
      (tx) =>
        inChunks(ballots, CHUNK, async (chunk) => {
          await tx.run(
            `INSERT INTO ballots (id, poll_id, voter, resident, choices, revision, signature, secret, status, accepted_at)
             VALUES ${chunk.map(() => `(${placeholders(8)}, 'accepted', ?)`).join(", ")}
             ON CONFLICT (id) DO NOTHING`,
            chunk.flatMap((b) => [
              b.id,
              b.pollId,
              b.voter,
              b.resident,
              b.choices.toString(),
              b.revision,
              b.signature,
              b.secret ? JSON.stringify(b.secret) : null,
              now,
            ]),
          );
        }),
      { durable: true },
    );
  }

  async get(id: string): Promise<OutboxBallot | null> {
    const row = await this.sql.get<Row>("SELECT * FROM ballots WHERE id = ?", [id]);
    return row ? toBallot(row) : null;
  }

  async claim(limit: number, sign: (ballot: OutboxBallot) => SentBallot | null, now: number): Promise<SentBallot[]> {
    // The relayer asks many times a second; a read finds the common "nothing to send" without taking
    // the write lock. A ballot accepted just after it is claimed on the next tick.
    const waiting = await this.sql.get(
      `SELECT 1 AS one FROM ballots WHERE ${OPEN_ROWS} AND status = 'accepted' LIMIT 1`,
    );
    if (!waiting) return [];
    return this.sql.transaction(async (tx) => {
      const rows = await tx.all<Row>(
        `SELECT * FROM ballots WHERE ${OPEN_ROWS} AND status = 'accepted' ORDER BY seq LIMIT ?${this.sql.dialect.forUpdateSkipLocked}`,
        [limit],
      );
      const sent: SentBallot[] = [];
      for (const row of rows) {
        const s = sign(toBallot(row));
        if (s) sent.push(s);
      }
      await this.recordSent(tx, sent, now);
      return sent;
    });
  }

  async inFlight(relayers: readonly string[]): Promise<OutboxBallot[]> {
    if (relayers.length === 0) return [];
    const rows = await this.sql.all<Row>(
      `SELECT * FROM ballots WHERE ${OPEN_ROWS} AND status = 'sent' AND relayer IN (${placeholders(relayers.length)})
       ORDER BY seq`,
      relayers,
    );
    return rows.map(toBallot);
  }

  markSent(sent: readonly SentBallot[], now: number): Promise<void> {
    if (sent.length === 0) return Promise.resolve();
    return this.sql.transaction((tx) => this.recordSent(tx, sent, now));
  }

  async markMined(tx: SqlRunner, events: readonly MinedEvent[], now: number) {
    const marked: { relayer: string | null; acceptedAt: number }[] = [];
    // The signed transaction is kept until its block is deep, in case the node loses that block.
    await inChunks(events, CHUNK, async (chunk) => {
      const rows = await tx.all<{ relayer: string | null; accepted_at: number }>(
        `UPDATE ballots SET status = 'mined', leaf_index = v.column2, block = v.column3, tx_hash = v.column4,
           error_code = NULL, final_at = ?
         FROM (VALUES ${typedRows(chunk.length, ["TEXT", "BIGINT", "BIGINT", "TEXT"])}) AS v
         WHERE ballots.id = v.column1 AND ballots.status != 'mined'
         RETURNING ballots.relayer, ballots.accepted_at`,
        [now, ...chunk.flatMap((e) => [e.leaf, e.leafIndex, e.block, e.txHash])],
      );
      for (const r of rows) marked.push({ relayer: r.relayer, acceptedAt: r.accepted_at });
    });
    return marked;
  }

  async unmineAfter(tx: SqlRunner, block: number): Promise<number> {
    {
      const resend = await tx.run(
        `UPDATE ballots SET status = 'sent', sent_at = 0, leaf_index = NULL, block = NULL, final_at = NULL
         WHERE status = 'mined' AND block > ? AND raw_tx IS NOT NULL`,
        [block],
      );
      const requeue = await tx.run(
        `UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL,
           leaf_index = NULL, block = NULL, final_at = NULL
         WHERE status = 'mined' AND block > ?`,
        [block],
      );
      return resend + requeue;
    }
  }

  pruneRawTransactions(block: number): Promise<number> {
    return this.sql.run(
      "UPDATE ballots SET raw_tx = NULL WHERE status = 'mined' AND raw_tx IS NOT NULL AND block <= ?",
      [block],
    );
  }

  async requeue(ids: readonly string[]): Promise<void> {
    await inChunks(ids, CHUNK, async (chunk) => {
      await this.sql.run(
        `UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL, raw_tx = NULL
         WHERE id IN (${placeholders(chunk.length)}) AND status = 'sent'`,
        chunk,
      );
    });
  }

  async requeueWithMoreGas(id: string): Promise<void> {
    await this.sql.run(
      `UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL, raw_tx = NULL,
         gas_factor = gas_factor * 2 WHERE id = ? AND status = 'sent'`,
      [id],
    );
  }

  retryFailed(id: string, now: number): Promise<boolean> {
    return this.sql.transaction(
      async (tx) =>
        (await tx.run(
          `UPDATE ballots SET status = 'accepted', relayer = NULL, nonce = NULL, tx_hash = NULL, raw_tx = NULL,
             error_code = NULL, final_at = NULL, accepted_at = ? WHERE id = ? AND status = 'failed'`,
          [now, id],
        )) > 0,
      { durable: true },
    );
  }

  finish(id: string, status: "superseded" | "failed", errorCode: string, now: number): Promise<void> {
    return this.sql.transaction(async (tx) => {
      const ended = await tx.get<{
        poll_id: number;
        resident: number;
        revision: number;
        voter: string;
        secret: string | null;
      }>(
        `UPDATE ballots SET status = ?, error_code = ?, raw_tx = NULL, final_at = ? WHERE id = ? AND status IN ${OPEN}
         RETURNING poll_id, resident, revision, voter, secret`,
        [status, errorCode, now, id],
      );
      if (!ended) return;
      if (ended.secret !== null) {
        await tx.run("DELETE FROM secret_ballot_reservations WHERE poll_id = ? AND nullifier = ? AND revision <= ?", [
          ended.poll_id,
          ended.voter,
          ended.revision,
        ]);
        return;
      }
      await tx.run("DELETE FROM ballot_reservations WHERE poll_id = ? AND resident = ? AND revision <= ?", [
        ended.poll_id,
        ended.resident,
        ended.revision,
      ]);
    });
  }

  async pendingRevision(pollId: number, resident: number): Promise<number> {
    const row = await this.sql.get<{ r: number | null }>(
      "SELECT MAX(revision) AS r FROM ballots WHERE poll_id = ? AND resident = ? AND status IN ('accepted', 'sent', 'mined')",
      [pollId, resident],
    );
    return row?.r ?? 0;
  }

  async pendingRevisions(pollIds: readonly number[], resident: number): Promise<Map<number, number>> {
    const pending = new Map<number, number>();
    await inChunks(pollIds, CHUNK, async (chunk) => {
      const rows = await this.sql.all<{ poll_id: number; r: number }>(
        `SELECT poll_id, MAX(revision) AS r FROM ballots
         WHERE resident = ? AND poll_id IN (${placeholders(chunk.length)}) AND status IN ('accepted', 'sent', 'mined')
         GROUP BY poll_id`,
        [resident, ...chunk],
      );
      for (const r of rows) pending.set(r.poll_id, r.r);
    });
    return pending;
  }

  async myBallots(pollIds: readonly number[], resident: number): Promise<Map<number, OutboxBallot>> {
    const mine = new Map<number, OutboxBallot>();
    const rank = (b: OutboxBallot) => (b.status === "failed" || b.status === "superseded" ? 0 : 1);
    await inChunks(pollIds, CHUNK, async (chunk) => {
      const rows = await this.sql.all<Row>(
        `SELECT * FROM ballots WHERE resident = ? AND poll_id IN (${placeholders(chunk.length)})`,
        [resident, ...chunk],
      );
      for (const b of rows.map(toBallot)) {
        const best = mine.get(b.pollId);
        if (!best || rank(b) > rank(best) || (rank(b) === rank(best) && b.revision > best.revision)) {
          mine.set(b.pollId, b);
        }
      }
    });
    return mine;
  }

  async sentPerRelayer(): Promise<Map<string, number>> {
    const rows = await this.sql.all<{ relayer: string; c: number }>(
      `SELECT relayer, COUNT(*) AS c FROM ballots WHERE ${OPEN_ROWS} AND status = 'sent' AND relayer IS NOT NULL
       GROUP BY relayer`,
    );
    return new Map(rows.map((r) => [r.relayer, r.c]));
  }

  async openCounts(): Promise<{ accepted: number; sent: number }> {
    const counts = { accepted: 0, sent: 0 };
    const rows = await this.sql.all<{ status: "accepted" | "sent"; c: number }>(
      `SELECT status, COUNT(*) AS c FROM ballots WHERE ${OPEN_ROWS} GROUP BY status`,
    );
    for (const r of rows) counts[r.status] = r.c;
    return counts;
  }

  async countsByStatus(): Promise<Record<BallotStatus, number>> {
    const counts: Record<BallotStatus, number> = { accepted: 0, sent: 0, mined: 0, superseded: 0, failed: 0 };
    const rows = await this.sql.all<{ status: BallotStatus; c: number }>(
      "SELECT status, COUNT(*) AS c FROM ballots GROUP BY status",
    );
    for (const r of rows) counts[r.status] = r.c;
    return counts;
  }

  private async recordSent(tx: SqlRunner, sent: readonly SentBallot[], now: number): Promise<void> {
    await inChunks(sent, CHUNK, async (chunk) => {
      await tx.run(
        `UPDATE ballots SET status = 'sent', relayer = v.column2, nonce = v.column3, tx_hash = v.column4,
           raw_tx = v.column5, sent_at = ?, attempts = attempts + 1
         FROM (VALUES ${typedRows(chunk.length, ["TEXT", "TEXT", "BIGINT", "TEXT", "TEXT"])}) AS v
         WHERE ballots.id = v.column1 AND ballots.status IN ${OPEN}`,
        [now, ...chunk.flatMap((s) => [s.id, s.relayer, s.nonce, s.txHash, s.rawTx])],
      );
    });
  }
}
