/**
 * A real stack for API tests: an embedded anvil chain in a temporary data folder, the contracts
 * deployed by the production deploy step, and the API started in-process on port 0. The store is a
 * SQLite file, or with VECHE_TEST_DB=postgres a fresh database on a PostgreSQL server started once per
 * test run (`npm run test:postgres` runs the API suites so).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { Wallet, id as hashText } from "ethers";
import type { HDNodeWallet } from "ethers";
import { startEmbeddedChain } from "../../node/embedded/chain";
import type { EmbeddedChain } from "../../node/embedded/chain";
import { ensureDeployed } from "../../node/embedded/deploy";
import { loadConfig } from "../../api/src/config";
import type { Config } from "../../api/src/config";
import { startServer } from "../../api/src/server";
import type { RunningServer } from "../../api/src/server";
import {
  BALLOT_TYPES,
  ballotDomain,
  ballotMessage,
  connectBallotBox,
  encodePollContent,
} from "../../contracts/protocol";
import type { Ballot, BallotBox, Deployment, Question } from "../../contracts/protocol";
import { JsonRpcProvider, NonceManager } from "ethers";
import { startPostgres } from "../../scripts/lib/postgresServer";
import type { PostgresServer } from "../../scripts/lib/postgresServer";

export type TestEngine = "sqlite" | "postgres";

/** The engine the suites run on: VECHE_TEST_DB=postgres, or SQLite. */
export const TEST_ENGINE: TestEngine = process.env.VECHE_TEST_DB === "postgres" ? "postgres" : "sqlite";

let sharedPostgres: Promise<PostgresServer> | null = null;

/** One PostgreSQL server for the whole test run, stopped when the process exits. */
export function testPostgres(): Promise<PostgresServer> {
  sharedPostgres ??= startPostgres().then((server) => {
    process.once("exit", () => server.stop());
    // A test run stopped from outside must not leave its server running.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        server.stop();
        process.exit(128 + (signal === "SIGINT" ? 2 : 15));
      });
    }
    return server;
  });
  return sharedPostgres;
}

/** A new, empty database on the test run's PostgreSQL server. */
export async function freshPostgresDatabase(): Promise<string> {
  const server = await testPostgres();
  return server.createDatabase(`veche_${crypto.randomBytes(6).toString("hex")}`);
}

export interface Stack {
  dataDir: string;
  chain: EmbeddedChain;
  deployment: Deployment;
  config: Config;
  api: RunningServer | null;
  provider: JsonRpcProvider;
  staff: BallotBox;
  registrar: BallotBox;
  startApi(overrides?: Record<string, string>): Promise<RunningServer>;
  stopApi(): Promise<void>;
  stop(): Promise<void>;
}

export const STAFF_TOKEN = "staff-token-for-tests-0123456789";

export async function startStack(
  options: { withApi?: boolean; env?: Record<string, string>; engine?: TestEngine } = {},
): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-api-"));
  const engine = options.engine ?? TEST_ENGINE;
  const database = engine === "postgres" ? { VECHE_DATABASE_URL: await freshPostgresDatabase() } : {};
  const chain = await startEmbeddedChain({ dataDir, port: 0 });
  const deploymentsDir = path.join(dataDir, "deployments");
  const deployment = await ensureDeployed({ rpcUrl: chain.rpcUrl, deploymentsDir, keys: chain.keys });
  const env = {
    PORT: "0",
    VECHE_DATA_DIR: dataDir,
    DEPLOYMENTS_DIR: deploymentsDir,
    CHAIN_RPC_URL: chain.rpcUrl,
    RELAYER_KEYS: chain.keys.relayers.map((r) => r.privateKey).join(","),
    REGISTRAR_KEY: chain.keys.registrar.privateKey,
    REWARDS_KEY: chain.keys.staff.privateKey,
    STAFF_API_TOKEN: STAFF_TOKEN,
    RESIDENT_ID_PEPPER: "pepper-for-tests-0123456789",
    LOG_LEVEL: "silent",
    // Every answer in every test is held to its documented schema.
    API_CHECK_ANSWERS: "1",
    ...database,
    ...options.env,
  };
  const config = loadConfig(env);
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 200 });
  const signer = (key: string) => new NonceManager(new Wallet(key, provider));
  const stack: Stack = {
    dataDir,
    chain,
    deployment,
    config,
    api: null,
    provider,
    staff: connectBallotBox(deployment.ballotBox, signer(chain.keys.staff.privateKey)),
    registrar: connectBallotBox(deployment.ballotBox, signer(chain.keys.registrar.privateKey)),
    async startApi(overrides = {}) {
      const cfg = loadConfig({ ...env, ...overrides });
      stack.api = await startServer(cfg, { logger: pino({ level: "silent" }) });
      return stack.api;
    },
    async stopApi() {
      await stack.api?.stop();
      stack.api = null;
    },
    async stop() {
      await stack.stopApi();
      provider.destroy();
      await chain.stop();
      fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
  if (options.withApi !== false) await stack.startApi();
  return stack;
}

/** Creates an active poll through the staff key; returns its id. */
export async function createPoll(
  stack: Stack,
  options: { questions?: Question[]; districts?: number[]; revote?: boolean; points?: number; title?: string } = {},
): Promise<number> {
  const questions = options.questions ?? [{ options: 2, maxChoices: 1 }];
  const text = (s: string) => ({ en: s, ru: s });
  const { uri, contentHash } = encodePollContent({
    title: text(options.title ?? "Should the park get a new playground?"),
    description: text("A test poll."),
    questions: questions.map((q, i) => ({
      text: text(`Question ${i + 1}`),
      options: Array.from({ length: q.options }, (_, o) => text(`Option ${o + 1}`)),
    })),
  });
  const block = await stack.provider.getBlock("latest");
  const now = block?.timestamp ?? Math.floor(Date.now() / 1000);
  const tx = await stack.staff.createPoll({
    contentHash,
    uri,
    start: now,
    end: now + 3600,
    questions,
    districts: options.districts ?? [],
    revote: options.revote ?? false,
    points: options.points ?? 10,
  });
  const receipt = await tx.wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = stack.staff.interface.parseLog(log);
    if (parsed?.name === "PollCreated") return Number(parsed.args[0]);
  }
  throw new Error("createPoll emitted no PollCreated event");
}

/** Enrols a fresh voter key directly through the registrar (the enrolment route does this for residents). */
export async function enrolVoter(stack: Stack, district = 1): Promise<HDNodeWallet> {
  const key = Wallet.createRandom();
  await (await stack.registrar.enrol(hashText(`resident-${key.address}`), key.address, district)).wait();
  return key;
}

export async function signedBallot(stack: Stack, key: HDNodeWallet | Wallet, ballot: Ballot) {
  const domain = ballotDomain(stack.deployment.chainId, stack.deployment.ballotBox);
  const signature = await key.signTypedData(domain, BALLOT_TYPES, ballotMessage(ballot));
  return {
    pollId: ballot.pollId.toString(),
    choices: ballot.choices.toString(),
    revision: ballot.revision.toString(),
    signature,
  };
}

export async function http<T = Record<string, unknown>>(
  stack: Stack,
  method: string,
  urlPath: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  if (!stack.api) throw new Error("API not running");
  const res = await fetch(stack.api.url + urlPath, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined> | T | null | undefined,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Rows in each of the store's tables but those named, on either engine. */
export async function tableRowCounts(stack: Stack, except: readonly string[]): Promise<Record<string, number>> {
  const sql = stack.api!.veche.ctx.sql;
  const tables = await sql.all<{ name: string }>(
    sql.engine === "sqlite"
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  const rows: Record<string, number> = {};
  for (const { name } of tables) {
    if (except.includes(name)) continue;
    rows[name] = (await sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`))!.n;
  }
  return rows;
}
