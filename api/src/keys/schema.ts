import type { Migration } from "../store/migrate";

/** Every voter key the API has enrolled, and when it was replaced: the resident's key history. */
export const keyMigrations: Migration[] = [
  {
    id: "keys-1-voter-keys",
    sql: `
      CREATE TABLE voter_keys (
        address TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (resident_id),
        resident INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
        tx_hash TEXT NOT NULL,
        enrolled_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX voter_keys_resident ON voter_keys (resident_id, enrolled_at);
    `,
  },
];
