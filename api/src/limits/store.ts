/** The counters' store: one row per key and window, bumped atomically on either engine. */
import type { Sql } from "../store/sql";

export interface Count {
  count: number;
  windowStart: number;
}

export interface CounterStore {
  /** Counts one more action under `key` in the clock-aligned window that holds `now`. */
  hit(key: string, windowMs: number, now: number): Promise<Count>;
  /** Counts one more action under `key` in a window that starts at the key's first action. */
  hitSinceFirst(key: string, windowMs: number, now: number): Promise<Count>;
}

const HOUR_MS = 3_600_000;

export class SqlCounterStore implements CounterStore {
  private hits = 0;

  /** `longestWindowMs`: no counter lives longer, so older rows can be dropped. */
  constructor(
    private readonly sql: Sql,
    private readonly longestWindowMs = HOUR_MS,
  ) {}

  async hit(key: string, windowMs: number, now: number): Promise<Count> {
    const windowStart = now - (now % windowMs);
    await this.forgetOld(now);
    return this.bump(
      `INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.count + 1 ELSE 1 END,
         window_start = excluded.window_start
       RETURNING count, window_start`,
      [key, windowStart],
    );
  }

  async hitSinceFirst(key: string, windowMs: number, now: number): Promise<Count> {
    await this.forgetOld(now);
    const open = now - windowMs;
    return this.bump(
      `INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN rate_counters.window_start > ? THEN rate_counters.count + 1 ELSE 1 END,
         window_start = CASE WHEN rate_counters.window_start > ? THEN rate_counters.window_start
           ELSE excluded.window_start END
       RETURNING count, window_start`,
      [key, now, open, open],
    );
  }

  private async bump(sql: string, params: (string | number)[]): Promise<Count> {
    const row = await this.sql.get<{ count: number; window_start: number }>(sql, params);
    return { count: row!.count, windowStart: row!.window_start };
  }

  /** Counters of windows long past are dropped a few at a time, so the table stays small. */
  private async forgetOld(now: number): Promise<void> {
    if (this.hits++ % 16 !== 0) return;
    await this.sql.run(
      "DELETE FROM rate_counters WHERE key IN (SELECT key FROM rate_counters WHERE window_start < ? LIMIT 100)",
      [now - 2 * this.longestWindowMs],
    );
  }
}
