/**
 * Revisions on their way into the outbox, per poll and resident, shared by every instance (in the
 * database; in memory where one process opens it), so that two racing submissions — to one instance or
 * to two — cannot both pass. A reservation names its ballot,
 * so the same ballot sent again (a client retrying) passes; it lapses after a short while, by which
 * time the outbox holds the revision, and a ballot that ends without being counted gives it up at once.
 */
import type { Sql } from "../store/sql";

/** Far longer than a durable write of the outbox takes. */
export const RESERVATION_MS = 30_000;

export type Reservation = { ok: true } | { ok: false; revision: number };

export interface ReservationStore {
  /**
   * The highest revision the resident holds in the poll, outside the chain: ballots in the outbox that
   * can still count, and live reservations of other ballots.
   */
  highest(pollId: number, resident: number, ballotId: string, now: number): Promise<number>;
  /** Reserves `revision` unless another ballot holds the same or a higher one. */
  reserve(pollId: number, resident: number, revision: number, ballotId: string, now: number): Promise<Reservation>;
  /** Gives up this ballot's reservation (it was refused before reaching the outbox). */
  release(pollId: number, resident: number, ballotId: string): Promise<void>;
  /** The ballot is in the outbox, which holds its revision from here on. */
  settle(pollId: number, resident: number, ballotId: string): void;
}

/** The highest revision of the resident's ballots in the outbox that can still count. */
async function highestInOutbox(sql: Sql, pollId: number, resident: number): Promise<number> {
  const row = await sql.get<{ r: number | null }>(
    `SELECT MAX(revision) AS r FROM ballots
       WHERE poll_id = ? AND resident = ? AND status IN ('accepted', 'sent', 'mined')`,
    [pollId, resident],
  );
  return row?.r ?? 0;
}

/**
 * Reservations in this process's memory, for a store only this process opens (SQLite): the same rules
 * as in the shared store, without a write to the database for every ballot.
 */
export class ProcessReservationStore implements ReservationStore {
  private readonly held = new Map<string, { revision: number; ballotId: string; expiresAt: number }>();
  private reservations = 0;

  constructor(private readonly sql: Sql) {}

  async highest(pollId: number, resident: number, ballotId: string, now: number): Promise<number> {
    const held = this.held.get(`${pollId}:${resident}`);
    const reserved = held && held.expiresAt > now && held.ballotId !== ballotId ? held.revision : 0;
    return Math.max(reserved, await highestInOutbox(this.sql, pollId, resident));
  }

  reserve(pollId: number, resident: number, revision: number, ballotId: string, now: number): Promise<Reservation> {
    if (this.reservations++ % 1024 === 0) {
      for (const [key, r] of this.held) if (r.expiresAt <= now) this.held.delete(key);
    }
    const key = `${pollId}:${resident}`;
    const held = this.held.get(key);
    if (held && held.revision >= revision && held.expiresAt > now && held.ballotId !== ballotId) {
      return Promise.resolve({ ok: false, revision: held.revision });
    }
    this.held.set(key, { revision, ballotId, expiresAt: now + RESERVATION_MS });
    return Promise.resolve({ ok: true });
  }

  release(pollId: number, resident: number, ballotId: string): Promise<void> {
    this.settle(pollId, resident, ballotId);
    return Promise.resolve();
  }

  /** Only the outbox holds the revision now, and lets it go if the ballot fails on-chain. */
  settle(pollId: number, resident: number, ballotId: string): void {
    const key = `${pollId}:${resident}`;
    if (this.held.get(key)?.ballotId === ballotId) this.held.delete(key);
  }
}

/** Reservations in the database, seen by every instance sharing it (PostgreSQL). */
export class SqlReservationStore implements ReservationStore {
  private reservations = 0;

  constructor(private readonly sql: Sql) {}

  async highest(pollId: number, resident: number, ballotId: string, now: number): Promise<number> {
    const row = await this.sql.get<{ r: number | null }>(
      `SELECT MAX(r) AS r FROM (
         SELECT MAX(revision) AS r FROM ballots
           WHERE poll_id = ? AND resident = ? AND status IN ('accepted', 'sent', 'mined')
         UNION ALL
         SELECT revision AS r FROM ballot_reservations
           WHERE poll_id = ? AND resident = ? AND expires_at > ? AND ballot_id != ?
       ) AS held`,
      [pollId, resident, pollId, resident, now, ballotId],
    );
    return row?.r ?? 0;
  }

  async reserve(pollId: number, resident: number, revision: number, ballotId: string, now: number) {
    // Lapsed reservations are dropped a few at a time, so the table stays small.
    if (this.reservations++ % 64 === 0) {
      await this.sql.run(
        `DELETE FROM ballot_reservations WHERE ballot_id IN
           (SELECT ballot_id FROM ballot_reservations WHERE expires_at <= ? LIMIT 500)`,
        [now],
      );
    }
    const row = await this.sql.get<{ ballot_id: string }>(
      `INSERT INTO ballot_reservations (poll_id, resident, revision, ballot_id, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (poll_id, resident) DO UPDATE SET
         revision = excluded.revision, ballot_id = excluded.ballot_id, expires_at = excluded.expires_at
       WHERE ballot_reservations.revision < excluded.revision OR ballot_reservations.expires_at <= ?
         OR ballot_reservations.ballot_id = excluded.ballot_id
       RETURNING ballot_id`,
      [pollId, resident, revision, ballotId, now + RESERVATION_MS, now],
    );
    if (row?.ballot_id === ballotId) return { ok: true } as const;
    const holder = await this.sql.get<{ revision: number }>(
      "SELECT revision FROM ballot_reservations WHERE poll_id = ? AND resident = ?",
      [pollId, resident],
    );
    return { ok: false, revision: holder?.revision ?? revision } as const;
  }

  async release(pollId: number, resident: number, ballotId: string): Promise<void> {
    await this.sql.run("DELETE FROM ballot_reservations WHERE poll_id = ? AND resident = ? AND ballot_id = ?", [
      pollId,
      resident,
      ballotId,
    ]);
  }

  /** The reservation lapses, or goes when the ballot ends (sqlStore.ts): no write for each ballot here. */
  settle(): void {}
}
