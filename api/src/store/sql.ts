/**
 * The one SQL layer every store is written against. Statements are written once, with `?`
 * placeholders, in the SQL that SQLite and PostgreSQL share (ON CONFLICT, RETURNING, CAST, CASE);
 * the few clauses only one engine has come from `dialect`. Two engines fill it: SQLite (one file, the
 * embedded default) and PostgreSQL (several API instances sharing one database).
 */
export type SqlValue = string | number | null;

/** Runs statements: the database itself, or one open transaction. */
export interface SqlRunner {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Dialect {
  /** Appended to a SELECT inside a transaction to lock the rows it reads ("" where writes are serial). */
  forUpdate: string;
  /** Like forUpdate, passing over rows another transaction holds (queues with many consumers). */
  forUpdateSkipLocked: string;
}

export interface TransactionOptions {
  /** The commit reaches the disk before the promise resolves (a promise made to a client hangs on it). */
  durable?: boolean;
}

export interface Sql extends SqlRunner {
  readonly engine: "sqlite" | "postgres";
  readonly dialect: Dialect;
  /**
   * Runs `work` in one transaction, committed if it resolves and rolled back if it throws. The work
   * must only run statements on `tx`: it holds the store (SQLite) or a connection (PostgreSQL).
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs `work` while holding a database-wide lock (a PostgreSQL advisory lock), e.g. to migrate. */
  exclusively<T>(name: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?, ?, ?` for n values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/** `(?, ?), (?, ?)` for rows of `width` values: the VALUES list of a multi-row statement. */
export function rowsOf(rows: number, width: number): string {
  const row = `(${placeholders(width)})`;
  return Array.from({ length: rows }, () => row).join(", ");
}

/** Calls `each` on consecutive slices of at most `size` items. */
export async function inChunks<T>(items: readonly T[], size: number, each: (chunk: T[]) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await each(items.slice(i, i + size));
}
