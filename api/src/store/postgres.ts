/**
 * The SQL layer over PostgreSQL (the `pg` driver), for API instances that share one database.
 * Statements are translated once from `?` to `$n` and prepared by name on each connection; 64-bit
 * integers come back as numbers (every value kept here — times in ms, blocks, counts — fits in 2^53).
 * When the server cannot be reached, statements fail with STORE_UNAVAILABLE (503) and the pool
 * reconnects by itself once it is back.
 */
import crypto from "node:crypto";
import pg from "pg";
import { AppError } from "../errors";
import type { Dialect, Sql, SqlRunner, SqlValue, TransactionOptions } from "./sql";

const dialect: Dialect = { forUpdate: " FOR UPDATE", forUpdateSkipLocked: " FOR UPDATE SKIP LOCKED" };

const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): unknown =>
    oid === INT8 || oid === NUMERIC
      ? Number
      : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PostgresOptions {
  /** Most connections this instance opens. */
  maxConnections?: number;
  /** How long a statement waits for a connection before STORE_UNAVAILABLE. */
  connectTimeoutMs?: number;
}

export class PostgresSql implements Sql {
  readonly engine = "postgres";
  readonly dialect = dialect;
  private readonly pool: pg.Pool;
  private readonly texts = new Map<string, { name: string; text: string }>();

  constructor(url: string, options: PostgresOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
      idleTimeoutMillis: 30_000,
      // A statement that hangs (a server stopped mid-answer) gives its connection up.
      query_timeout: 30_000,
      keepAlive: true,
      types,
    });
    // A connection that breaks while idle (the server restarted) is dropped and replaced on demand.
    this.pool.on("error", () => undefined);
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.query<T>(this.pool, sql, params).then((r) => r.rows);
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.query<T>(this.pool, sql, params).then((r) => r.rows[0]);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.query(this.pool, sql, params).then((r) => r.rowCount ?? 0);
  }

  async transaction<T>(work: (tx: SqlRunner) => Promise<T>, _options: TransactionOptions = {}): Promise<T> {
    // Commits are durable here already (synchronous_commit on), whatever the options say.
    const { client, release } = await this.checkout();
    const tx: SqlRunner = {
      all: <R>(sql: string, params: readonly SqlValue[] = []) => this.query<R>(client, sql, params).then((r) => r.rows),
      get: <R>(sql: string, params: readonly SqlValue[] = []) =>
        this.query<R>(client, sql, params).then((r) => r.rows[0]),
      run: (sql: string, params: readonly SqlValue[] = []) =>
        this.query(client, sql, params).then((r) => r.rowCount ?? 0),
    };
    let broken: Error | undefined;
    try {
      await this.query(client, "BEGIN", []);
      try {
        const result = await work(tx);
        await this.query(client, "COMMIT", []);
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw err;
      }
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      throw err;
    } finally {
      release(broken);
    }
  }

  async exclusively<T>(name: string, work: () => Promise<T>): Promise<T> {
    const key = lockKey(name);
    const { client, release, lost } = await this.checkout();
    let broken: Error | undefined;
    try {
      await this.query(client, "SELECT pg_advisory_lock($1)", [key]);
      try {
        const result = await work();
        // The lock went with its connection: the work may have overlapped another holder's.
        if (lost()) throw storeUnavailable(lost());
        return result;
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [key]).catch((e: Error) => (broken = e));
      }
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      throw err;
    } finally {
      release(broken);
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /**
   * A connection of the pool's, held until `release`. The pool listens for a connection's errors only
   * while it is idle; one held between statements that the server cuts (it stopped) would otherwise
   * throw its error into the process. Held, its error is kept: `lost()` tells of it and `release`
   * drops the connection.
   */
  private async checkout(): Promise<{
    client: pg.PoolClient;
    lost: () => Error | undefined;
    release: (broken?: Error) => void;
  }> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw storeUnavailable(err);
    }
    let cut: Error | undefined;
    const onError = (err: Error) => (cut ??= err);
    client.on("error", onError);
    return {
      client,
      lost: () => cut,
      release: (broken) => {
        client.removeListener("error", onError);
        client.release(broken ?? cut);
      },
    };
  }

  private async query<T>(on: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return await on.query<T & pg.QueryResultRow, any[]>({ ...this.prepared(sql), values: params as SqlValue[] });
    } catch (err) {
      throw isConnectionError(err) ? storeUnavailable(err) : err;
    }
  }

  private prepared(sql: string): { name: string; text: string } {
    let p = this.texts.get(sql);
    if (!p) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      p = { name: `v${crypto.createHash("sha1").update(text).digest("hex").slice(0, 20)}`, text };
      this.texts.set(sql, p);
    }
    return p;
  }
}

/** Advisory lock keys are 64-bit integers: the first 8 bytes of the name's hash. */
function lockKey(name: string): string {
  return crypto.createHash("sha256").update(name).digest().readBigInt64BE(0).toString();
}

/** The server is down, restarting or out of connections, as opposed to a statement it refused. */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof AppError) return err.code === "STORE_UNAVAILABLE";
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    // SQLSTATE classes: 08 connection, 57P0x shutdown and recovery, 53 insufficient resources.
    return code.startsWith("08") || code.startsWith("57P0") || code.startsWith("53");
  }
  return true;
}

function storeUnavailable(cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  const err = new AppError("STORE_UNAVAILABLE", 503, "the database could not be reached; try again");
  (err as { cause?: unknown }).cause = cause;
  return err;
}
