/** Session storage behind an interface; SQLite here, PostgreSQL could fill the same interface. */
import type { Db } from "../store/database";

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

export class SqliteSessionStore implements SessionStore {
  private readonly insert;
  private readonly byHash;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      "INSERT INTO sessions (token_hash, resident_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    );
    this.byHash = db.prepare<[string, number], { resident_id: string; expires_at: number }>(
      "SELECT resident_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?",
    );
    this.remove = db.prepare("DELETE FROM sessions WHERE token_hash = ?");
  }

  create(tokenHash: string, residentId: string, now: number, expiresAt: number): Promise<void> {
    this.insert.run(tokenHash, residentId, now, expiresAt);
    return Promise.resolve();
  }

  find(tokenHash: string, now: number): Promise<StoredSession | null> {
    const row = this.byHash.get(tokenHash, now);
    return Promise.resolve(row ? { residentId: row.resident_id, expiresAt: row.expires_at } : null);
  }

  delete(tokenHash: string): Promise<void> {
    this.remove.run(tokenHash);
    return Promise.resolve();
  }

  deleteExpired(now: number): Promise<number> {
    return Promise.resolve(this.db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run(now).changes);
  }
}
