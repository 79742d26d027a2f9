/**
 * The SQL layer over one SQLite file (better-sqlite3, WAL). Statements run synchronously and are
 * prepared once; a transaction takes the whole store, and statements from elsewhere wait for its end.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Dialect, Sql, SqlRunner, SqlValue, TransactionOptions } from "./sql";

type Statement = Database.Statement<unknown[], unknown>;

const dialect: Dialect = { forUpdate: "", forUpdateSkipLocked: "" };

export class SqliteSql implements Sql {
  readonly engine = "sqlite";
  readonly dialect = dialect;
  readonly db: Database.Database;
  private readonly statements = new Map<string, Statement>();
  /** Set while a transaction is open; others wait for it. */
  private open: Promise<void> | null = null;
  private readonly direct: SqlRunner;

  constructor(file: string) {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: every commit survives a process kill. Durable transactions (an accepted
    // ballot) switch to FULL, which also survives a power cut.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.direct = {
      all: <T>(sql: string, params: readonly SqlValue[] = []) => attempt(() => this.stmt(sql).all(...params) as T[]),
      get: <T>(sql: string, params: readonly SqlValue[] = []) =>
        attempt(() => this.stmt(sql).get(...params) as T | undefined),
      run: (sql: string, params: readonly SqlValue[] = []) => attempt(() => this.stmt(sql).run(...params).changes),
    };
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.open ? this.afterOpen(() => this.direct.all<T>(sql, params)) : this.direct.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.open ? this.afterOpen(() => this.direct.get<T>(sql, params)) : this.direct.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.open ? this.afterOpen(() => this.direct.run(sql, params)) : this.direct.run(sql, params);
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    while (this.open) await this.open;
    let end = () => {};
    this.open = new Promise<void>((resolve) => (end = resolve));
    if (options.durable) this.db.pragma("synchronous = FULL");
    try {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(this.direct);
        this.db.exec("COMMIT");
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      }
    } finally {
      if (options.durable) this.db.pragma("synchronous = NORMAL");
      this.open = null;
      end();
    }
  }

  /** One process owns a SQLite file, so nothing else can hold the lock. */
  exclusively<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }

  /** Every statement prepared so far, for checking their query plans. */
  preparedSql(): string[] {
    return [...this.statements.keys()];
  }

  private async afterOpen<T>(next: () => Promise<T>): Promise<T> {
    while (this.open) await this.open;
    return next();
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

function attempt<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
