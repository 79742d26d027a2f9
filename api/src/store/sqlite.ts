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
  private readonly logSync: GroupSync;
  private log: fs.promises.FileHandle | undefined;

  constructor(file: string) {
    if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode: every commit survives a process kill. A durable transaction (an accepted
    // ballot) also waits for the log to reach the disk, which survives a power cut too: the sync runs
    // off the main thread, so requests go on meanwhile, and one sync covers every commit before it.
    this.db.pragma("synchronous = NORMAL");
    this.logSync = new GroupSync(() => this.syncLog(file));
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
    let result: T;
    try {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        result = await work(this.direct);
        this.db.exec("COMMIT");
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      }
    } finally {
      this.open = null;
      end();
    }
    if (options.durable) await this.logSync.request();
    return result;
  }

  /** One process owns a SQLite file, so nothing else can hold the lock. */
  exclusively<T>(_name: string, work: () => Promise<T>): Promise<T> {
    return work();
  }

  async close(): Promise<void> {
    await this.logSync.idle();
    await this.log?.close();
    this.db.close();
  }

  /** Every statement prepared so far, for checking their query plans. */
  preparedSql(): string[] {
    return [...this.statements.keys()];
  }

  /** fsync of the write-ahead log, through a handle of our own (fsync covers the file, not the handle). */
  private async syncLog(file: string): Promise<void> {
    if (file === ":memory:") return;
    this.log ??= await fs.promises.open(`${file}-wal`, "r");
    await this.log.sync();
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

/** Syncs on request; callers that ask while a sync runs share the one after it. */
class GroupSync {
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly sync: () => Promise<void>) {}

  /** Resolves once a sync that began after this call has finished. */
  request(): Promise<void> {
    if (this.next) return this.next;
    if (!this.current) return this.run();
    const running = this.current;
    this.next = running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.run();
      });
    return this.next;
  }

  async idle(): Promise<void> {
    while (this.current || this.next) await (this.next ?? this.current)?.catch(() => undefined);
  }

  private run(): Promise<void> {
    const p: Promise<void> = this.sync().finally(() => {
      if (this.current === p) this.current = null;
    });
    this.current = p;
    return p;
  }
}

function attempt<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
