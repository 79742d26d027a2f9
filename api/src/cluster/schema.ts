import type { Migration } from "../store/migrate";

/**
 * Leases let instances that share one database split work that only one may do at a time: the
 * indexer's writes, each relayer account's nonces, a resident's enrolment. A lease is a name, its
 * holder (an instance) and when it lapses unless renewed; a dead holder's leases lapse and pass on.
 */
export const clusterMigrations: Migration[] = [
  {
    id: "cluster-1-leases",
    sql: `
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
