/** Clients of several API processes for the multi-instance fault tests: spawn, call, read the leases. */
import pg from "pg";
import { pickFreePort } from "../../node/embedded/ports";
import { spawnApi } from "../../scripts/lib/apiProcess";
import type { ApiProcess } from "../../scripts/lib/apiProcess";
import { STAFF_TOKEN } from "../api/harness";
import type { Stack } from "../api/harness";

export interface Instance extends ApiProcess {
  /** The id the instance holds its leases under. */
  id: string;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Starts `count` API processes on the stack's chain and PostgreSQL database. */
export async function spawnInstances(stack: Stack, count: number, env: Record<string, string> = {}) {
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) {
    const api = await spawnApi(
      {
        VECHE_DATA_DIR: stack.config.dataDir,
        VECHE_DATABASE_URL: stack.config.databaseUrl!,
        DEPLOYMENTS_DIR: stack.config.deploymentsDir,
        CHAIN_RPC_URL: stack.config.rpcUrl,
        RELAYER_KEYS: stack.config.relayerKeys.join(","),
        STAFF_API_TOKEN: STAFF_TOKEN,
        RESIDENT_ID_PEPPER: "pepper-for-tests-0123456789",
        ...env,
      },
      await pickFreePort("127.0.0.1"),
    );
    const health = (await (await fetch(`${api.url}/healthz`)).json()) as { instance: string };
    instances.push({ ...api, id: health.instance });
  }
  return instances;
}

/** One HTTP call; null when the instance gave no answer (it is dead or the connection broke). */
export async function call<T = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T> | null> {
  try {
    const res = await fetch(url + path, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  } catch {
    return null;
  }
}

/** The leases not lapsed, by name, read straight from the shared database. */
export async function liveLeases(stack: Stack): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: stack.config.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; holder: string }>(
      "SELECT name, holder FROM leases WHERE expires_at > $1",
      [Date.now()],
    );
    return new Map(rows.map((r) => [r.name, r.holder]));
  } finally {
    await client.end();
  }
}

/** Ballots sent from the relayer accounts `holder` leases and not yet seen mined. */
export async function unminedOf(stack: Stack, holder: string): Promise<number> {
  const client = new pg.Client({ connectionString: stack.config.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM ballots b JOIN leases l ON l.name = 'relayer:' || b.relayer
       WHERE b.status = 'sent' AND l.holder = $1`,
      [holder],
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}
