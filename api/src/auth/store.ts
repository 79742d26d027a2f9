/** Session storage behind an interface; one SQL class fills it on SQLite and on PostgreSQL. */
import type { Sql } from "../store/sql";

export interface StoredSession {
  residentId: string;
  expiresAt: number;
}

export interface SessionStore {
  create(tokenHash: string, residentId: string, now: number, expiresAt: number): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  find(tokenHash: string, now: number): Promise<StoredSession | null>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(now: number): Promise<number>;
}

export class SqlSessionStore implements SessionStore {
  constructor(private readonly sql: Sql) {}

  async create(tokenHash: string, residentId: string, now: number, expiresAt: number): Promise<void> {
    await this.sql.run("INSERT INTO sessions (token_hash, resident_id, created_at, expires_at) VALUES (?, ?, ?, ?)", [
      tokenHash,
      residentId,
      now,
      expiresAt,
    ]);
  }

  async find(tokenHash: string, now: number): Promise<StoredSession | null> {
    const row = await this.sql.get<{ resident_id: string; expires_at: number }>(
      "SELECT resident_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
      [tokenHash, now],
    );
    return row ? { residentId: row.resident_id, expiresAt: row.expires_at } : null;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.sql.run("DELETE FROM sessions WHERE token_hash = ?", [tokenHash]);
  }

  deleteExpired(now: number): Promise<number> {
    return this.sql.run("DELETE FROM sessions WHERE expires_at <= ?", [now]);
  }
}
