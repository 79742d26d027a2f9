/**
 * Leases in the shared store. Times are each instance's clock (ms since the epoch): instances must
 * agree within a few seconds (NTP), far less than a lease's length.
 */
import type { Sql, SqlRunner } from "../store/sql";

export interface Lease {
  name: string;
  holder: string;
  expiresAt: number;
}

export interface LeaseStore {
  /** Takes the lease if it is free, lapsed or already ours, until `now + ttlMs`; false if another holds it. */
  acquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  /**
   * Inside a transaction: renews a lease we hold and locks it until the commit; false if it lapsed or
   * passed on, so the transaction can roll back instead of writing as a holder it no longer is.
   */
  fence(tx: SqlRunner, name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  /** Takes the lease whoever holds it: for a store only one instance can use (a SQLite file). */
  seize(name: string, holder: string, ttlMs: number, now: number): Promise<void>;
  release(name: string, holder: string): Promise<void>;
  /** Drops leases that lapsed before `before` (instances long gone, locks given up by dying). */
  forgetLapsed(before: number): Promise<number>;
  /** Leases not lapsed whose names start with `prefix`. */
  live(prefix: string, now: number): Promise<Lease[]>;
}

export class SqlLeaseStore implements LeaseStore {
  constructor(private readonly sql: Sql) {}

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const row = await this.sql.get<{ holder: string }>(
      `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
       RETURNING holder`,
      [name, holder, now + ttlMs, now],
    );
    return row?.holder === holder;
  }

  async fence(tx: SqlRunner, name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    const changed = await tx.run("UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ? AND expires_at > ?", [
      now + ttlMs,
      name,
      holder,
      now,
    ]);
    return changed === 1;
  }

  async seize(name: string, holder: string, ttlMs: number, now: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
      [name, holder, now + ttlMs],
    );
  }

  async release(name: string, holder: string): Promise<void> {
    await this.sql.run("DELETE FROM leases WHERE name = ? AND holder = ?", [name, holder]);
  }

  forgetLapsed(before: number): Promise<number> {
    return this.sql.run("DELETE FROM leases WHERE expires_at < ?", [before]);
  }

  async live(prefix: string, now: number): Promise<Lease[]> {
    const rows = await this.sql.all<{ name: string; holder: string; expires_at: number }>(
      "SELECT name, holder, expires_at FROM leases WHERE substr(name, 1, ?) = ? AND expires_at > ? ORDER BY name",
      [prefix.length, prefix, now],
    );
    return rows.map((r) => ({ name: r.name, holder: r.holder, expiresAt: r.expires_at }));
  }
}
