import type { Migration } from "../store/database";

/**
 * The resident register: who may vote, where, and how they sign in. Activation codes and passwords
 * are kept only as hashes; the failure counter and lock sit on the account so every API instance
 * sharing the store sees them.
 */
export const residentMigrations: Migration[] = [
  {
    id: "residents-1-register",
    sql: `
      CREATE TABLE residents (
        resident_id TEXT PRIMARY KEY,
        district INTEGER NOT NULL,
        building TEXT NOT NULL,
        code_hash TEXT NOT NULL,
        password_hash TEXT,
        activated_at INTEGER,
        login_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    id: "residents-2-password-reset",
    sql: `
      ALTER TABLE residents ADD COLUMN reset_hash TEXT;
      ALTER TABLE residents ADD COLUMN reset_expires_at INTEGER;
    `,
  },
];
