import type { Migration } from "../store/migrate";

/** Tables the chain follower fills from contract events; the cursor moves in the same transaction. */
export const indexerMigrations: Migration[] = [
  {
    id: "indexer-1-events",
    sql: `
      CREATE TABLE indexer_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        block INTEGER NOT NULL,
        block_hash TEXT NOT NULL
      );
      CREATE TABLE indexer_blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, time INTEGER NOT NULL);
      CREATE TABLE voters (
        key TEXT PRIMARY KEY,
        resident INTEGER NOT NULL,
        resident_hash TEXT NOT NULL,
        district INTEGER NOT NULL,
        active INTEGER NOT NULL,
        block INTEGER NOT NULL
      );
      CREATE INDEX voters_resident ON voters (resident);
      CREATE TABLE polls (
        id INTEGER PRIMARY KEY,
        content_hash TEXT NOT NULL,
        uri TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        questions TEXT NOT NULL,
        districts TEXT NOT NULL,
        revote INTEGER NOT NULL,
        points INTEGER NOT NULL,
        status TEXT NOT NULL,
        final_root TEXT,
        final_tallies TEXT,
        block INTEGER NOT NULL,
        tx_hash TEXT NOT NULL
      );
      CREATE TABLE ballot_events (
        poll_id INTEGER NOT NULL,
        leaf_index INTEGER NOT NULL,
        leaf TEXT NOT NULL,
        voter TEXT NOT NULL,
        resident INTEGER NOT NULL,
        choices TEXT NOT NULL,
        revision INTEGER NOT NULL,
        signature TEXT NOT NULL,
        tx_hash TEXT NOT NULL,
        block INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        PRIMARY KEY (poll_id, leaf_index)
      ) WITHOUT ROWID;
      CREATE INDEX ballot_events_block ON ballot_events (block);
      CREATE TABLE rewards (
        id INTEGER PRIMARY KEY,
        cost INTEGER NOT NULL,
        stock INTEGER NOT NULL,
        active INTEGER NOT NULL,
        uri TEXT NOT NULL,
        block INTEGER NOT NULL
      );
    `,
  },
  {
    id: "indexer-2-poll-outcomes",
    sql: `
      ALTER TABLE polls ADD COLUMN outcome_hash TEXT;
      ALTER TABLE polls ADD COLUMN outcome_uri TEXT;
    `,
  },
  {
    id: "indexer-3-redemptions",
    sql: `
      CREATE TABLE redemptions (
        tx_hash TEXT NOT NULL,
        log_index INTEGER NOT NULL,
        resident INTEGER NOT NULL,
        reward_id INTEGER NOT NULL,
        cost INTEGER NOT NULL,
        block INTEGER NOT NULL,
        PRIMARY KEY (tx_hash, log_index)
      );
      CREATE INDEX redemptions_resident ON redemptions (resident);
    `,
  },
  {
    // For instances that read the index another one writes: an epoch that grows at each rollback (reload
    // everything), and the block of each poll's last change (reload only the polls that changed).
    id: "indexer-4-readers",
    sql: `
      ALTER TABLE indexer_cursor ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE polls ADD COLUMN changed_block INTEGER NOT NULL DEFAULT 0;
      UPDATE polls SET changed_block = block;
      CREATE INDEX voters_block ON voters (block);
      CREATE INDEX polls_changed ON polls (changed_block);
    `,
  },
  {
    // Secret polls: each ballot's nullifier and census area (open ballots leave them NULL), each secret
    // poll's census as SecretPollCreated committed it, and the registry's history in chain order, from
    // which a census is rebuilt at any block.
    id: "indexer-5-secret-polls",
    sql: `
      ALTER TABLE ballot_events ADD COLUMN nullifier TEXT;
      ALTER TABLE ballot_events ADD COLUMN area INTEGER;
      ALTER TABLE polls ADD COLUMN census TEXT;
      CREATE TABLE registry_events (
        block INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('voterEnrolled', 'voterRevoked', 'identityCommitted')),
        resident INTEGER NOT NULL,
        voter_key TEXT,
        district INTEGER,
        commitment TEXT,
        building INTEGER,
        PRIMARY KEY (block, log_index)
      );
    `,
  },
  {
    // An index older than registry_events holds the registry's history only from the blocks indexed
    // after it came: 0 here until the writer has filled it in from the deployment block on. A cursor
    // written after this starts from the deployment block, so it is complete from the first batch.
    id: "indexer-6-registry-history",
    sql: `
      ALTER TABLE indexer_cursor ADD COLUMN registry_complete INTEGER NOT NULL DEFAULT 0;
    `,
  },
];
