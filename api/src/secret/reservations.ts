/**
 * Revisions of secret ballots on their way into the outbox, per poll and nullifier, shared by every
 * instance: the same rule as open ballots' reservations (../ballots/reservations.ts), keyed by the
 * nullifier since a secret ballot names no resident. A re-vote must reserve a higher revision.
 */
import type { Sql } from "../store/sql";
import { RESERVATION_MS } from "../ballots/reservations";
import type { Reservation } from "../ballots/reservations";

export class SqlNullifierReservations {
  private reservations = 0;

  constructor(private readonly sql: Sql) {}

  /** The highest revision the nullifier holds outside the chain: outbox ballots that can count, live reservations. */
  async highest(pollId: number, nullifier: string, ballotId: string, now: number): Promise<number> {
    const row = await this.sql.get<{ r: number | null }>(
      `SELECT MAX(r) AS r FROM (
         SELECT MAX(revision) AS r FROM ballots
           WHERE poll_id = ? AND voter = ? AND secret IS NOT NULL AND status IN ('accepted', 'sent', 'mined')
         UNION ALL
         SELECT revision AS r FROM secret_ballot_reservations
           WHERE poll_id = ? AND nullifier = ? AND expires_at > ? AND ballot_id != ?
       ) AS held`,
      [pollId, nullifier, pollId, nullifier, now, ballotId],
    );
    return row?.r ?? 0;
  }

  async reserve(pollId: number, nullifier: string, revision: number, ballotId: string, now: number) {
    if (this.reservations++ % 64 === 0) {
      await this.sql.run(
        `DELETE FROM secret_ballot_reservations WHERE ballot_id IN
           (SELECT ballot_id FROM secret_ballot_reservations WHERE expires_at <= ? LIMIT 500)`,
        [now],
      );
    }
    const row = await this.sql.get<{ ballot_id: string }>(
      `INSERT INTO secret_ballot_reservations (poll_id, nullifier, revision, ballot_id, expires_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (poll_id, nullifier) DO UPDATE SET
         revision = excluded.revision, ballot_id = excluded.ballot_id, expires_at = excluded.expires_at
       WHERE secret_ballot_reservations.revision < excluded.revision
         OR secret_ballot_reservations.expires_at <= ? OR secret_ballot_reservations.ballot_id = excluded.ballot_id
       RETURNING ballot_id`,
      [pollId, nullifier, revision, ballotId, now + RESERVATION_MS, now],
    );
    if (row?.ballot_id === ballotId) return { ok: true } as Reservation;
    const holder = await this.sql.get<{ revision: number }>(
      "SELECT revision FROM secret_ballot_reservations WHERE poll_id = ? AND nullifier = ?",
      [pollId, nullifier],
    );
    return { ok: false, revision: holder?.revision ?? revision } as Reservation;
  }

  async release(pollId: number, nullifier: string, ballotId: string): Promise<void> {
    await this.sql.run("DELETE FROM secret_ballot_reservations WHERE poll_id = ? AND nullifier = ? AND ballot_id = ?", [
      pollId,
      nullifier,
      ballotId,
    ]);
  }
}
