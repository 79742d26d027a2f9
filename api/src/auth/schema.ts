import type { Migration } from "../store/migrate";

/** Sign-in sessions: only a hash of each token is kept, so a copy of the store opens no account. */
export const authMigrations: Migration[] = [
  {
    id: "auth-1-sessions",
    sql: `
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (resident_id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_expiry ON sessions (expires_at);
    `,
  },
];
