/**
 * The embedded store: one SQLite file in WAL mode. Each feature owns its tables and declares their
 * migrations; a PostgreSQL deployment would implement the same per-feature store interfaces.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

export interface Migration {
  /** Unique and never renamed: "<feature>-<n>-<what>". */
  id: string;
  sql: string;
}

export function openDatabase(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode: every commit survives a process kill. Writes that promise something to a
  // client (an accepted ballot) use `durably`, which also survives a power cut.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec("CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  return db;
}

/** Applies the migrations not applied yet, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const applied = new Set(
    db
      .prepare<[], { id: string }>("SELECT id FROM migrations")
      .all()
      .map((r) => r.id),
  );
  const record = db.prepare("INSERT INTO migrations (id, applied_at) VALUES (?, ?)");
  for (const m of migrations) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.id, Date.now());
    })();
  }
}

/** Whether the database file accepts a write right now (for /readyz). */
export function isWritable(db: Db): boolean {
  try {
    db.prepare("INSERT OR REPLACE INTO migrations (id, applied_at) VALUES ('readyz-probe', ?)").run(Date.now());
    return true;
  } catch {
    return false;
  }
}

/** Runs `write` in a transaction whose commit is flushed to disk before it returns. */
export function durably<T>(db: Db, write: () => T): T {
  db.pragma("synchronous = FULL");
  try {
    return db.transaction(write)();
  } finally {
    db.pragma("synchronous = NORMAL");
  }
}
