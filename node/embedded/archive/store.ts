/**
 * The embedded chain's history on disk: every block, transaction, receipt and log, as the node served
 * them, in one SQLite file. anvil keeps only its recent blocks' transactions in memory (so that its
 * memory and state dumps stay flat through a long voting day); older history is answered from here.
 * Rows keep the node's JSON text, so answers are assembled without re-encoding; a transaction sent
 * through the front is kept as its signed bytes, and its JSON rebuilt when asked for (txJson.ts).
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { minedTransactionJson } from "./txJson";

/** A block as `eth_getBlockByNumber(n, true)` answers it, with the block's receipts. */
export interface FullBlock {
  number: number;
  hash: string;
  parentHash: string;
  /** The block object with `transactions` as hashes. */
  header: string;
  /** `tx`: the signed transaction (0x…), or the node's JSON of it. */
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

/**
 * Transactions and logs are keyed by their place in the chain (block × 2^20 + index), so rows are
 * appended in key order; the hash index is the only one written out of order.
 */
const SLOT = 1_048_576;
/** Blocks whose timestamps are kept for reading transactions back: a few hours of blocks. */
const KEPT_TIMESTAMPS = 16_384;
const SCHEMA_VERSION = 2;
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    parent_hash TEXT NOT NULL,
    header TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS block_transactions (
    position INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    tx TEXT NOT NULL,
    receipt TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS block_logs (
    position INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    topic0 TEXT,
    topic1 TEXT,
    topic2 TEXT,
    topic3 TEXT,
    log TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS block_logs_address ON block_logs (address, position);
`;

/** Archives written before version 2 kept transactions by hash and logs by (block, index). */
const FROM_VERSION_1 = `
  INSERT INTO block_transactions (position, hash, tx, receipt)
    SELECT block * ${SLOT} + idx, hash, tx, receipt FROM transactions ORDER BY block, idx;
  INSERT INTO block_logs (position, address, topic0, topic1, topic2, topic3, log)
    SELECT block * ${SLOT} + log_index, address, topic0, topic1, topic2, topic3, log FROM logs ORDER BY block, log_index;
  DROP TABLE transactions;
  DROP TABLE logs;
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
  private readonly timestamps = new Map<number, string>();
  private readonly txByHash;

  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // Every commit survives a process kill; a power cut may cost the newest blocks, which the node
    // still has (it keeps its recent blocks) or lost too.
    this.db.pragma("synchronous = NORMAL");
    this.migrate();
    this.insertBlock = this.db.prepare("INSERT INTO blocks (number, hash, parent_hash, header) VALUES (?, ?, ?, ?)");
    this.insertTx = this.db.prepare("INSERT INTO block_transactions (position, hash, tx, receipt) VALUES (?, ?, ?, ?)");
    this.insertLog = this.db.prepare(
      "INSERT INTO block_logs (position, address, topic0, topic1, topic2, topic3, log) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
    this.txsOf = this.db.prepare<[number, number], { hash: string; tx: string; receipt: string }>(
      "SELECT hash, tx, receipt FROM block_transactions WHERE position BETWEEN ? AND ? ORDER BY position",
    );
    this.txByHash = this.db.prepare<[string], { position: number; hash: string; tx: string; receipt: string }>(
      "SELECT position, hash, tx, receipt FROM block_transactions WHERE hash = ?",
    );
  }

  private migrate(): void {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version >= SCHEMA_VERSION) return;
    this.db.transaction(() => {
      const hasVersion1 = this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'transactions'")
        .get();
      this.db.exec(SCHEMA);
      if (hasVersion1) this.db.exec(FROM_VERSION_1);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
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
        b.transactions.forEach((t, i) => this.insertTx.run(b.number * SLOT + i, t.hash, t.tx, t.receipt));
        for (const l of b.logs) {
          const [t0, t1, t2, t3] = l.topics;
          this.insertLog.run(
            b.number * SLOT + l.logIndex,
            l.address,
            t0 ?? null,
            t1 ?? null,
            t2 ?? null,
            t3 ?? null,
            l.json,
          );
        }
      }
    })();
  }

  /** Forgets every block after `number` (the node no longer has them). */
  truncateAfter(number: number): void {
    this.timestamps.clear();
    const first = (number + 1) * SLOT;
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM block_logs WHERE position >= ?").run(first);
      this.db.prepare("DELETE FROM block_transactions WHERE position >= ?").run(first);
      this.db.prepare("DELETE FROM blocks WHERE number > ?").run(number);
    })();
  }

  /** `eth_getBlockByNumber`/`ByHash` answer text, or null if the block is not archived. */
  block(which: { number: number } | { hash: string }, full: boolean): string | null {
    const row = "number" in which ? this.byNumber.get(which.number) : this.byHash.get(which.hash.toLowerCase());
    if (!row) return null;
    if (!full) return row.header;
    const header = JSON.parse(row.header) as Record<string, unknown>;
    const txs = this.transactionsOf(row.number).map((t) => JSON.parse(this.txJson(t, header.timestamp)) as unknown);
    return JSON.stringify({ ...header, transactions: txs });
  }

  /** `eth_getBlockReceipts` answer text, or null. */
  receiptsOf(number: number): string | null {
    if (!this.byNumber.get(number)) return null;
    return `[${this.transactionsOf(number)
      .map((t) => t.receipt)
      .join(",")}]`;
  }

  /**
   * Archived blocks after `number`, oldest first, each with its signed transactions in block order (as
   * sent, or as the node's JSON for those archived that way).
   */
  blocksAfter(number: number): { number: number; hash: string; header: string; transactions: string[] }[] {
    const blocks = this.db
      .prepare<[number], { number: number; hash: string; header: string }>(
        "SELECT number, hash, header FROM blocks WHERE number > ? ORDER BY number",
      )
      .all(number);
    return blocks.map((b) => ({ ...b, transactions: this.transactionsOf(b.number).map((t) => t.tx) }));
  }

  /**
   * A transaction's block, its receipt's answer text and, when asked, its `eth_getTransactionByHash`
   * text: a transaction kept as its bytes is rebuilt, which a receipt lookup need not pay for.
   */
  transaction(hash: string): { block: number; tx: () => string; receipt: string } | null {
    const row = this.txByHash.get(hash.toLowerCase());
    if (!row) return null;
    const block = Math.floor(row.position / SLOT);
    return { block, tx: () => this.txJson(row, this.timestampOf(block)), receipt: row.receipt };
  }

  /**
   * A block's timestamp, without parsing its header: an archived header lists its transactions'
   * hashes, so parsing it for each transaction read back cost more than rebuilding the transaction.
   * Kept for recent asks; a truncation forgets them, as its blocks may be mined again.
   */
  private timestampOf(block: number): string {
    let timestamp = this.timestamps.get(block);
    if (timestamp === undefined) {
      const header = this.byNumber.get(block)?.header ?? "{}";
      timestamp =
        /"timestamp":"(0x[0-9a-fA-F]+)"/.exec(header)?.[1] ??
        String((JSON.parse(header) as Record<string, unknown>).timestamp);
      if (this.timestamps.size >= KEPT_TIMESTAMPS) this.timestamps.clear();
      this.timestamps.set(block, timestamp);
    }
    return timestamp;
  }

  blockNumberOf(hash: string): number | null {
    return this.byHash.get(hash.toLowerCase())?.number ?? null;
  }

  /** The matching logs' JSON texts, in chain order. */
  logs(query: LogQuery): string[] {
    const where = ["position BETWEEN ? AND ?"];
    const args: (string | number)[] = [query.from * SLOT, (query.to + 1) * SLOT - 1];
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
        `SELECT log FROM block_logs WHERE ${where.join(" AND ")} ORDER BY position`,
      )
      .all(...args)
      .map((r) => r.log);
  }

  close(): void {
    this.db.close();
  }

  private transactionsOf(block: number): { hash: string; tx: string; receipt: string }[] {
    return this.txsOf.all(block * SLOT, (block + 1) * SLOT - 1);
  }

  /** The transaction's JSON: kept as the node gave it, or rebuilt from the signed bytes kept. */
  private txJson(row: { hash: string; tx: string; receipt: string }, timestamp: unknown): string {
    if (!row.tx.startsWith("0x")) return row.tx;
    const receipt = JSON.parse(row.receipt) as Record<string, string>;
    const json = minedTransactionJson(row.tx, {
      hash: row.hash,
      blockHash: receipt.blockHash!,
      blockNumber: receipt.blockNumber!,
      transactionIndex: receipt.transactionIndex!,
      blockTimestamp: String(timestamp),
      from: receipt.from!,
      effectiveGasPrice: receipt.effectiveGasPrice!,
    });
    if (json === null) throw new Error(`transaction ${row.hash}: its archived bytes cannot be read`);
    return json;
  }
}
