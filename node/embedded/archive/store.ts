/**
 * The embedded chain's history on disk: every block, transaction, receipt and log, as the node served
 * them, in one SQLite file. anvil keeps only its recent blocks' transactions in memory (so that its
 * memory and state dumps stay flat through a long voting day); older history is answered from here.
 * Rows keep the node's JSON text, so answers are assembled without re-encoding.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** A block as `eth_getBlockByNumber(n, true)` answers it, with the block's receipts. */
export interface FullBlock {
  number: number;
  hash: string;
  parentHash: string;
  /** The block object with `transactions` as hashes. */
  header: string;
  transactions: { hash: string; tx: string; receipt: string }[];
  logs: ArchivedLog[];
}

export interface ArchivedLog {
  logIndex: number;
  address: string;
  topics: string[];
  json: string;
}

export interface LogQuery {
  from: number;
  to: number;
  /** Lower-case addresses; empty for any. */
  addresses: string[];
  /** Per position: null for any, else the lower-case topics one of which must be there. */
  topics: (string[] | null)[];
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    parent_hash TEXT NOT NULL,
    header TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS transactions (
    hash TEXT PRIMARY KEY,
    block INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    tx TEXT NOT NULL,
    receipt TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS transactions_block ON transactions (block, idx);
  CREATE TABLE IF NOT EXISTS logs (
    block INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    address TEXT NOT NULL,
    topic0 TEXT,
    topic1 TEXT,
    topic2 TEXT,
    topic3 TEXT,
    log TEXT NOT NULL,
    PRIMARY KEY (block, log_index)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS logs_address ON logs (address, block);
`;

export class ArchiveStore {
  private readonly db: Database.Database;
  private readonly insertBlock;
  private readonly insertTx;
  private readonly insertLog;
  private readonly headStmt;
  private readonly hashAt;
  private readonly byHash;
  private readonly byNumber;
  private readonly txsOf;
  private readonly txByHash;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // Every commit survives a process kill; a power cut may cost the newest blocks, which the node
    // still has (it keeps its recent blocks) or lost too.
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(SCHEMA);
    this.insertBlock = this.db.prepare("INSERT INTO blocks (number, hash, parent_hash, header) VALUES (?, ?, ?, ?)");
    this.insertTx = this.db.prepare("INSERT INTO transactions (hash, block, idx, tx, receipt) VALUES (?, ?, ?, ?, ?)");
    this.insertLog = this.db.prepare(
      "INSERT INTO logs (block, log_index, address, topic0, topic1, topic2, topic3, log) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.headStmt = this.db.prepare<[], { number: number; hash: string }>(
      "SELECT number, hash FROM blocks ORDER BY number DESC LIMIT 1",
    );
    this.hashAt = this.db.prepare<[number], { hash: string }>("SELECT hash FROM blocks WHERE number = ?");
    this.byHash = this.db.prepare<[string], { number: number; header: string }>(
      "SELECT number, header FROM blocks WHERE hash = ?",
    );
    this.byNumber = this.db.prepare<[number], { number: number; header: string }>(
      "SELECT number, header FROM blocks WHERE number = ?",
    );
    this.txsOf = this.db.prepare<[number], { tx: string; receipt: string }>(
      "SELECT tx, receipt FROM transactions WHERE block = ? ORDER BY idx",
    );
    this.txByHash = this.db.prepare<[string], { block: number; tx: string; receipt: string }>(
      "SELECT block, tx, receipt FROM transactions WHERE hash = ?",
    );
  }

  /** The newest archived block, or null for an empty archive. */
  head(): { number: number; hash: string } | null {
    return this.headStmt.get() ?? null;
  }

  hashOf(number: number): string | null {
    return this.hashAt.get(number)?.hash ?? null;
  }

  /** Appends blocks in one transaction; each must extend the archive's head. */
  append(blocks: readonly FullBlock[]): void {
    this.db.transaction(() => {
      for (const b of blocks) {
        this.insertBlock.run(b.number, b.hash, b.parentHash, b.header);
        b.transactions.forEach((t, i) => this.insertTx.run(t.hash, b.number, i, t.tx, t.receipt));
        for (const l of b.logs) {
          const [t0, t1, t2, t3] = l.topics;
          this.insertLog.run(b.number, l.logIndex, l.address, t0 ?? null, t1 ?? null, t2 ?? null, t3 ?? null, l.json);
        }
      }
    })();
  }

  /** Forgets every block after `number` (the node no longer has them). */
  truncateAfter(number: number): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM logs WHERE block > ?").run(number);
      this.db.prepare("DELETE FROM transactions WHERE block > ?").run(number);
      this.db.prepare("DELETE FROM blocks WHERE number > ?").run(number);
    })();
  }

  /** `eth_getBlockByNumber`/`ByHash` answer text, or null if the block is not archived. */
  block(which: { number: number } | { hash: string }, full: boolean): string | null {
    const row = "number" in which ? this.byNumber.get(which.number) : this.byHash.get(which.hash.toLowerCase());
    if (!row) return null;
    if (!full) return row.header;
    const header = JSON.parse(row.header) as Record<string, unknown>;
    const txs = this.txsOf.all(row.number).map((t) => JSON.parse(t.tx) as unknown);
    return JSON.stringify({ ...header, transactions: txs });
  }

  /** `eth_getBlockReceipts` answer text, or null. */
  receiptsOf(number: number): string | null {
    if (!this.byNumber.get(number)) return null;
    return `[${this.txsOf
      .all(number)
      .map((t) => t.receipt)
      .join(",")}]`;
  }

  /** Archived blocks after `number`, oldest first, each with its transactions' JSON in block order. */
  blocksAfter(number: number): { number: number; hash: string; header: string; transactions: string[] }[] {
    const blocks = this.db
      .prepare<[number], { number: number; hash: string; header: string }>(
        "SELECT number, hash, header FROM blocks WHERE number > ? ORDER BY number",
      )
      .all(number);
    return blocks.map((b) => ({ ...b, transactions: this.txsOf.all(b.number).map((t) => t.tx) }));
  }

  transaction(hash: string): { block: number; tx: string; receipt: string } | null {
    return this.txByHash.get(hash.toLowerCase()) ?? null;
  }

  blockNumberOf(hash: string): number | null {
    return this.byHash.get(hash.toLowerCase())?.number ?? null;
  }

  /** The matching logs' JSON texts, in chain order. */
  logs(query: LogQuery): string[] {
    const where = ["block BETWEEN ? AND ?"];
    const args: (string | number)[] = [query.from, query.to];
    if (query.addresses.length > 0) {
      where.push(`address IN (${query.addresses.map(() => "?").join(",")})`);
      args.push(...query.addresses);
    }
    query.topics.forEach((options, i) => {
      if (!options || options.length === 0) return;
      where.push(`topic${i} IN (${options.map(() => "?").join(",")})`);
      args.push(...options);
    });
    return this.db
      .prepare<(string | number)[], { log: string }>(
        `SELECT log FROM logs WHERE ${where.join(" AND ")} ORDER BY block, log_index`,
      )
      .all(...args)
      .map((r) => r.log);
  }

  close(): void {
    this.db.close();
  }
}
