import type { Migration } from "../store/migrate";

/**
 * Identity commitments the API was asked to publish, kept until the registrar's transaction is mined:
 * a pending row is sent again after a restart, so a 202 is never forgotten.
 */
export const identityMigrations: Migration[] = [
  {
    id: "identity-1-commitments",
    sql: `
      CREATE TABLE identity_commitments (
        resident_id TEXT NOT NULL REFERENCES residents (resident_id),
        commitment TEXT NOT NULL,
        building INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'mined')),
        tx_hash TEXT,
        requested_at INTEGER NOT NULL,
        PRIMARY KEY (resident_id, requested_at)
      );
      CREATE INDEX identity_commitments_pending ON identity_commitments (status) WHERE status = 'pending';
    `,
  },
];
