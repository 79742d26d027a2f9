import type { Migration } from "../store/migrate";

/**
 * The durable outbox. A ballot is written here before the API answers "accepted" and leaves only when
 * its BallotCast event is indexed (mined) or the contract refuses it for good (superseded, failed).
 */
export const ballotMigrations: Migration[] = [
  {
    id: "ballots-1-outbox",
    sql: `
      CREATE TABLE ballots (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        poll_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        resident INTEGER NOT NULL,
        choices TEXT NOT NULL,
        revision INTEGER NOT NULL,
        signature TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'sent', 'mined', 'superseded', 'failed')),
        relayer TEXT,
        nonce INTEGER,
        tx_hash TEXT,
        raw_tx TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        error_code TEXT,
        leaf_index INTEGER,
        block INTEGER,
        accepted_at INTEGER NOT NULL,
        sent_at INTEGER,
        final_at INTEGER
      );
      CREATE INDEX ballots_open ON ballots (status, seq) WHERE status IN ('accepted', 'sent');
      CREATE INDEX ballots_resident ON ballots (poll_id, resident);
    `,
  },
  {
    id: "ballots-2-kept-transactions",
    sql: "CREATE INDEX ballots_kept_tx ON ballots (block) WHERE raw_tx IS NOT NULL AND status = 'mined';",
  },
  {
    // Doubled each time a ballot's transaction runs out of gas, so its next one carries more.
    id: "ballots-3-gas-factor",
    sql: "ALTER TABLE ballots ADD COLUMN gas_factor INTEGER NOT NULL DEFAULT 1;",
  },
  {
    // Revisions on their way into the outbox (reservations.ts). Nothing in it outlives a few seconds,
    // so PostgreSQL keeps it out of its write-ahead log: reserving costs no disk flush.
    id: "ballots-4-reservations",
    sql: `
      CREATE TABLE ballot_reservations (
        poll_id INTEGER NOT NULL,
        resident INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        ballot_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (poll_id, resident)
      ) WITHOUT ROWID;
      CREATE INDEX ballot_reservations_expiry ON ballot_reservations (expires_at);
    `,
    postgres: `
      CREATE UNLOGGED TABLE ballot_reservations (
        poll_id BIGINT NOT NULL,
        resident BIGINT NOT NULL,
        revision BIGINT NOT NULL,
        ballot_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (poll_id, resident)
      );
      CREATE INDEX ballot_reservations_expiry ON ballot_reservations (expires_at);
    `,
  },
  {
    // Secret ballots share the outbox: voter holds the nullifier (decimal), resident is 0, and `secret`
    // the census area's path and the membership proof the transaction carries. Their revisions are
    // reserved per nullifier.
    id: "ballots-5-secret",
    sql: `
      ALTER TABLE ballots ADD COLUMN secret TEXT;
      CREATE INDEX ballots_nullifier ON ballots (poll_id, voter) WHERE secret IS NOT NULL;
      CREATE TABLE secret_ballot_reservations (
        poll_id INTEGER NOT NULL,
        nullifier TEXT NOT NULL,
        revision INTEGER NOT NULL,
        ballot_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (poll_id, nullifier)
      ) WITHOUT ROWID;
    `,
    postgres: `
      ALTER TABLE ballots ADD COLUMN secret TEXT;
      CREATE INDEX ballots_nullifier ON ballots (poll_id, voter) WHERE secret IS NOT NULL;
      CREATE UNLOGGED TABLE secret_ballot_reservations (
        poll_id BIGINT NOT NULL,
        nullifier TEXT NOT NULL,
        revision BIGINT NOT NULL,
        ballot_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (poll_id, nullifier)
      );
    `,
  },
];
