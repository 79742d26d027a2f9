/**
 * Failover of API instances sharing PostgreSQL: kill -9 the instance that writes the index and time
 * how long until the others hold every lease it held (the indexer and its relayer accounts).
 */
import pg from "pg";
import type { ApiProcess } from "../lib/apiProcess";

async function leases(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; holder: string }>(
    "SELECT name, holder FROM leases WHERE expires_at > $1 AND name NOT LIKE 'instance:%'",
    [Date.now()],
  );
  return new Map(rows.map((r) => [r.name, r.holder]));
}

/** Seconds from the kill until every lease the killed instance held is held by a live one. */
export async function measureFailover(databaseUrl: string, apis: ApiProcess[]): Promise<number> {
  const ids = await Promise.all(
    apis.map(async (a) => ((await (await fetch(`${a.url}/healthz`)).json()) as { instance: string }).instance),
  );
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const before = await leases(client);
    const writer = ids.indexOf(before.get("indexer") ?? "");
    if (writer === -1) throw new Error("no instance holds the indexer lease");
    const victim = apis[writer]!;
    const names = [...before].filter(([, holder]) => holder === ids[writer]).map(([name]) => name);
    const live = new Set(ids.filter((_, i) => i !== writer));
    const killedAt = Date.now();
    await victim.kill();
    for (;;) {
      const now = await leases(client);
      if (names.every((n) => live.has(now.get(n) ?? ""))) return (Date.now() - killedAt) / 1000;
      if (Date.now() - killedAt > 120_000) throw new Error("the leases were not taken over within 2 minutes");
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await client.end();
  }
}
