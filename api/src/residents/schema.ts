import type { Migration } from "../store/migrate";

/**
 * The resident register: who may vote, where, and how they sign in. Activation codes and passwords
 * are kept only as hashes; sign-in failures and locks are kept in the store, so every API instance
 * sharing it sees them.
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
    // Sign-in failures are counted per id typed, known or not, so that a lock tells nobody whether the
    // id exists. The subject is a hash of the id, so the table cannot be read back as a list of ids.
    id: "residents-2-login-attempts",
    sql: `
      CREATE TABLE login_attempts (
        subject TEXT PRIMARY KEY,
        attempts INTEGER NOT NULL,
        locked_until INTEGER,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX login_attempts_age ON login_attempts (updated_at);
      ALTER TABLE residents DROP COLUMN login_attempts;
      ALTER TABLE residents DROP COLUMN locked_until;
    `,
  },
  {
    id: "residents-3-password-reset",
    sql: `
      ALTER TABLE residents ADD COLUMN reset_hash TEXT;
      ALTER TABLE residents ADD COLUMN reset_expires_at INTEGER;
    `,
  },
];
