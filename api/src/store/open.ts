/**
 * Opens the store the configuration names: PostgreSQL when VECHE_DATABASE_URL is set (several API
 * instances share it), else the SQLite file `api.sqlite` in the data folder (the embedded default).
 */
import path from "node:path";
import { PostgresSql } from "./postgres";
import { SqliteSql } from "./sqlite";
import type { Sql } from "./sql";

export interface StoreConfig {
  dataDir: string;
  databaseUrl: string | undefined;
  databasePool: number;
}

export function openSql(config: StoreConfig): Sql {
  return config.databaseUrl
    ? new PostgresSql(config.databaseUrl, { maxConnections: config.databasePool })
    : new SqliteSql(path.join(config.dataDir, "api.sqlite"));
}

/** Whether the store takes a write right now (for /readyz). */
export async function isWritable(sql: Sql): Promise<boolean> {
  try {
    await sql.run(
      `INSERT INTO migrations (id, applied_at) VALUES ('readyz-probe', ?)
       ON CONFLICT (id) DO UPDATE SET applied_at = excluded.applied_at`,
      [Date.now()],
    );
    return true;
  } catch {
    return false;
  }
}
