/** The counters' store: one row per key and window, bumped atomically. */
import type { Db } from "../store/database";

export interface CounterStore {
  /** Counts one more action under `key` in the window that holds `now`; returns the count and window start. */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; windowStart: number }>;
}

export class SqliteCounterStore implements CounterStore {
  private readonly bump;
  private readonly forgetOld;

  constructor(db: Db) {
    this.bump = db.prepare<{ key: string; windowStart: number }, { count: number; window_start: number }>(
      `INSERT INTO rate_counters (key, window_start, count) VALUES (@key, @windowStart, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN window_start = @windowStart THEN count + 1 ELSE 1 END,
         window_start = @windowStart
       RETURNING count, window_start`,
    );
    this.forgetOld = db.prepare(
      "DELETE FROM rate_counters WHERE key IN (SELECT key FROM rate_counters WHERE window_start < ? LIMIT 100)",
    );
  }

  hit(key: string, windowMs: number, now: number): Promise<{ count: number; windowStart: number }> {
    const windowStart = now - (now % windowMs);
    // Counters of windows long past are dropped a few at a time, so the table stays small.
    this.forgetOld.run(windowStart - windowMs);
    const row = this.bump.get({ key, windowStart })!;
    return Promise.resolve({ count: row.count, windowStart: row.window_start });
  }
}
