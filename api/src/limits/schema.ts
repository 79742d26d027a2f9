import type { Migration } from "../store/migrate";

/** Fixed-window counters of costly actions, kept in the store so that every API instance shares them. */
export const limitMigrations: Migration[] = [
  {
    id: "limits-1-counters",
    sql: `
      CREATE TABLE rate_counters (
        key TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        count INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX rate_counters_age ON rate_counters (window_start);
    `,
  },
];
