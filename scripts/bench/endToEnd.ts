/**
 * End-to-end throughput: many enrolled voters post signed ballots over HTTP to the API, which relays
 * each as its own transaction to the embedded chain; a ballot is done when the API serves its receipt.
 * Beside it, in the same run, the raw engine's rate for pre-signed ballot transactions sent straight
 * to the node. The load generator, the API (its own process) and the node share the machine's cores.
 *
 *   npm run bench:e2e            (BENCH_BALLOTS, BENCH_VOTERS, BENCH_CONCURRENCY to resize)
 *   npm run bench:e2e -- --db postgres --instances 3
 *
 * With `--db postgres` the same load also runs, in the same run and on the same chain, through one
 * API instance on SQLite (the reference), one on PostgreSQL and `--instances` on PostgreSQL (the load
 * spread over them); then the instance writing the index is killed and the time until the others
 * hold all its leases is the failover time. Those figures go to e2e-instances.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { ballotBoxInterface, decodeBallotCast, EVENT_TOPICS, hex } from "../../contracts/protocol";
import type { RawLog } from "../../contracts/protocol";
import type { Deployment } from "../../contracts/protocol";
import { startEmbeddedChain } from "../../node/embedded/chain";
import type { EmbeddedChain } from "../../node/embedded/chain";
import { ensureDeployed } from "../../node/embedded/deploy";
import { ballotLeafHex } from "../../contracts/protocol/node/ballotCodec";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { processCpuSeconds, treeCpuSeconds } from "./cpu";
import { markdownTable, writeFigures } from "./results";
import { measureFailover } from "./failover";
import { startPostgres } from "../lib/postgresServer";
import type { PostgresServer } from "../lib/postgresServer";
import type { BenchFigure } from "./results";
import {
  agent,
  anvilPid as readAnvilPid,
  ballotDigester,
  ballotJson,
  createPolls,
  enrolVoters,
  log,
  percentile,
  rawTx,
  receiptLatency,
  request,
  sendRaw,
  sign,
  spawnBenchApi,
  waitForNonce,
} from "./load";
import type { SignedBallot } from "./load";
import type { ApiProcess } from "../lib/apiProcess";

const BALLOTS = Number(process.env.BENCH_BALLOTS ?? 20_000);
const VOTERS = Number(process.env.BENCH_VOTERS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const RAW_BALLOTS = Number(process.env.BENCH_RAW_BALLOTS ?? 10_000);
/** Every this many ballots, one is followed until its receipt is served, for the latency figures. */
const SAMPLE_EVERY = 10;
const DEADLINE_MS = 10 * 60 * 1000;
/** Leases of the multi-instance runs: the failover time is bounded below by it. */
const LEASE_SECONDS = 5;

interface Setup {
  db: "sqlite" | "postgres";
  instances: number;
}

function parseSetup(argv: readonly string[]): Setup {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const db = value("--db") ?? "sqlite";
  const instances = Number(value("--instances") ?? 1);
  if (db !== "sqlite" && db !== "postgres") throw new Error("--db takes sqlite or postgres");
  if (!Number.isInteger(instances) || instances < 1) throw new Error("--instances takes a whole number of 1 or more");
  if (db === "sqlite" && instances > 1) throw new Error("a SQLite store serves one API instance: use --db postgres");
  return { db, instances };
}

interface Measured {
  setup: Setup;
  rate: number;
  p50: number;
  p99: number;
  intake: number;
  mined: number;
  rejected: number;
  seconds: number;
  cpu: { api: number; node: number; load: number; database: number | null };
  samples: number;
}

const label = (s: Setup) =>
  `${s.instances} API instance${s.instances > 1 ? "s" : ""} on ${s.db === "sqlite" ? "SQLite" : "PostgreSQL"}`;

/** Pre-signed ballot transactions straight to the node from the relayer accounts: the engine's ceiling. */
async function rawEngineRate(
  chain: EmbeddedChain,
  deployment: Deployment,
  provider: JsonRpcProvider,
  voters: Wallet[],
) {
  const [pollId] = await createPolls(chain, deployment, provider, Math.ceil(RAW_BALLOTS / voters.length));
  const polls = await createPolls(chain, deployment, provider, Math.ceil(RAW_BALLOTS / voters.length) - 1);
  const allPolls = [pollId!, ...polls];
  const digester = ballotDigester(deployment);
  const relayers = chain.keys.relayers.map((r) => new Wallet(r.privateKey));
  const nonces = await Promise.all(relayers.map((r) => provider.getTransactionCount(r.address, "pending")));
  const start = [...nonces];
  const raws: string[] = [];
  for (let i = 0; i < RAW_BALLOTS; i++) {
    const voter = voters[i % voters.length]!;
    const b = sign(digester, voter, allPolls[Math.floor(i / voters.length)]!, 1n);
    const r = i % relayers.length;
    const data = ballotBoxInterface.encodeFunctionData("castBallot", [b.pollId, b.choices, b.revision, b.signature]);
    raws.push(rawTx(deployment, relayers[r]!, nonces[r]!++, data, 500_000n));
  }
  const began = Date.now();
  await sendRaw(provider, raws);
  await Promise.all(relayers.map((r, i) => waitForNonce(provider, r.address, nonces[i]!, DEADLINE_MS)));
  const seconds = (Date.now() - began) / 1000;
  const sent = nonces.reduce((sum, n, i) => sum + n - start[i]!, 0);
  return sent / seconds;
}

/**
 * Follows BallotCast logs while the load runs, with plain JSON-RPC and native leaf hashing, so the
 * moment the last ballot is mined is seen within a poll interval and costs the load generator little.
 */
function watchBallots(rpcUrl: string, ballotBox: string, fromBlock: number) {
  const seen = new Set<string>();
  let scanned = fromBlock;
  let stopped = false;
  let lastNewAt = Date.now();
  const rpc = new NodeRpcClient(rpcUrl, 60_000);
  const loop = (async () => {
    while (!stopped) {
      const head = Number(await rpc.call<string>("eth_blockNumber", []));
      if (head > scanned) {
        const logs = await rpc.call<RawLog[]>("eth_getLogs", [
          { address: ballotBox, topics: [EVENT_TOPICS.BallotCast], fromBlock: hex(scanned + 1), toBlock: hex(head) },
        ]);
        for (const l of logs) seen.add(ballotLeafHex(decodeBallotCast(l)));
        if (logs.length > 0) lastNewAt = Date.now();
        scanned = head;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    rpc.close();
  })();
  return {
    seen,
    get lastNewAt() {
      return lastNewAt;
    },
    async done(expected: ReadonlyMap<string, number>, deadline: number): Promise<void> {
      const missing = () => [...expected.keys()].some((leaf) => !seen.has(leaf));
      while (missing() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      stopped = true;
      await loop;
    },
  };
}

/**
 * Posts `ballots` over HTTP, spread round-robin over the instances, until each is on-chain; follows
 * every tenth to its receipt for the latency figures.
 */
async function measure(
  setup: Setup,
  dataDir: string,
  chain: EmbeddedChain,
  provider: JsonRpcProvider,
  deployment: Deployment,
  apis: readonly ApiProcess[],
  ballots: readonly SignedBallot[],
  databasePid: number | null,
): Promise<Measured> {
  const anvilPid = readAnvilPid(dataDir);
  const apiCpu = () => apis.reduce((sum, a) => sum + processCpuSeconds(a.child.pid!), 0);
  const databaseCpu = () => (databasePid === null ? 0 : treeCpuSeconds(databasePid));
  const cpuBefore = {
    api: apiCpu(),
    node: processCpuSeconds(anvilPid),
    load: process.cpuUsage(),
    database: databaseCpu(),
  };

  log(`end to end, ${label(setup)}: ${ballots.length} ballots over HTTP, ${CONCURRENCY} in flight…`);
  const postedAt = new Map<string, number>();
  const latencies: number[] = [];
  const followers: Promise<void>[] = [];
  let rejected = 0;
  let next = 0;
  const began = Date.now();
  const fromBlock = await provider.getBlockNumber();
  const chainWatch = watchBallots(chain.rpcUrl, deployment.ballotBox, fromBlock);
  // A long poll per sampled ballot: the API answers as soon as the receipt exists.
  const follow = async (url: string, id: string, t0: number) => {
    const seconds = await receiptLatency(url, id, t0, t0 + DEADLINE_MS);
    if (seconds !== null) latencies.push(seconds);
  };
  const worker = async () => {
    while (next < ballots.length && Date.now() - began < DEADLINE_MS) {
      const i = next++;
      const b = ballots[i]!;
      const api = apis[i % apis.length]!;
      const t0 = Date.now();
      const res = await request(`${api.url}/api/ballots`, "POST", ballotJson(b));
      if (res.status !== 202) rejected++;
      else {
        postedAt.set(b.leaf, t0);
        if (i % SAMPLE_EVERY === 0) followers.push(follow(api.url, b.leaf, t0));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const acceptedSeconds = (Date.now() - began) / 1000;

  // Done when every accepted ballot's event is on-chain; the sampled receipts say when the API served it.
  await chainWatch.done(postedAt, began + DEADLINE_MS);
  const lastSeenAt = chainWatch.lastNewAt;
  await Promise.all(followers);
  const seconds = (lastSeenAt - began) / 1000;
  const cpu = {
    api: apiCpu() - cpuBefore.api,
    node: processCpuSeconds(anvilPid) - cpuBefore.node,
    load: (() => {
      const u = process.cpuUsage(cpuBefore.load);
      return (u.user + u.system) / 1e6;
    })(),
    database: databasePid === null ? null : databaseCpu() - cpuBefore.database,
  };
  latencies.sort((a, b) => a - b);
  const mined = [...postedAt.keys()].filter((leaf) => chainWatch.seen.has(leaf)).length;
  return {
    setup,
    rate: mined / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    intake: postedAt.size / acceptedSeconds,
    mined,
    rejected,
    seconds,
    cpu,
    samples: latencies.length,
  };
}

function report(m: Measured): string {
  const cores = os.cpus().length;
  return (
    `${label(m.setup)}: ${m.mined} ballots mined (${m.rejected} refused) in ${m.seconds.toFixed(1)} s, ` +
    `taken at ${m.intake.toFixed(0)}/s; ${m.samples} latency samples. ` +
    `CPU seconds (${cores} cores, ${(m.seconds * cores).toFixed(0)} core-seconds available): ` +
    `API ${m.cpu.api.toFixed(1)}, node ${m.cpu.node.toFixed(1)}, load generator ${m.cpu.load.toFixed(1)}` +
    `${m.cpu.database === null ? "" : `, PostgreSQL ${m.cpu.database.toFixed(1)}`}.\n`
  );
}

function standardFigures(m: Measured, rawRate: number): BenchFigure[] {
  return [
    {
      name: "end-to-end ballots per second (HTTP → mined → receipt)",
      value: m.rate,
      unit: "ballots/s",
      reference: "goal",
      referenceValue: 1500,
    },
    {
      name: "end-to-end ballots per second",
      value: m.rate,
      unit: "ballots/s",
      reference: "raw engine, pre-signed transactions, same run",
      referenceValue: rawRate,
    },
    {
      name: "end-to-end latency p50 (POST → receipt served)",
      value: m.p50,
      unit: "s",
      reference: "goal for p99",
      referenceValue: 2,
    },
    {
      name: "end-to-end latency p99 (POST → receipt served)",
      value: m.p99,
      unit: "s",
      reference: "goal",
      referenceValue: 2,
    },
    {
      name: "HTTP intake rate (202 answers)",
      value: m.intake,
      unit: "ballots/s",
      reference: "goal",
      referenceValue: 1500,
    },
  ];
}

function instanceFigures(runs: readonly Measured[], failoverSeconds: number | null): BenchFigure[] {
  const [reference, ...others] = runs;
  const figures: BenchFigure[] = [];
  for (const m of others) {
    figures.push(
      {
        name: `end-to-end ballots per second, ${label(m.setup)}`,
        value: m.rate,
        unit: "ballots/s",
        reference: `${label(reference!.setup)}, same run`,
        referenceValue: reference!.rate,
      },
      {
        name: `overhead against ${label(reference!.setup)}, ${label(m.setup)}`,
        value: Math.max(0, (1 - m.rate / reference!.rate) * 100),
        unit: "%",
        reference: "goal (at most)",
        referenceValue: 25,
      },
      {
        name: `end-to-end latency p99, ${label(m.setup)}`,
        value: m.p99,
        unit: "s",
        reference: `${label(reference!.setup)}, same run`,
        referenceValue: reference!.p99,
      },
    );
  }
  if (failoverSeconds !== null) {
    figures.push({
      name: "failover: a killed instance's indexer and relayer accounts held by the others",
      value: failoverSeconds,
      unit: "s",
      reference: "lease length",
      referenceValue: LEASE_SECONDS,
    });
  }
  return figures;
}

async function main(): Promise<void> {
  const setup = parseSetup(process.argv.slice(2));
  const setups: Setup[] =
    setup.db === "sqlite"
      ? [setup]
      : [{ db: "sqlite", instances: 1 }, { db: "postgres", instances: 1 }, ...(setup.instances > 1 ? [setup] : [])];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-bench-"));
  const chain = await startEmbeddedChain({ dataDir, port: 0 });
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 500 });
  let postgres: PostgresServer | null = null;
  let apis: ApiProcess[] = [];
  try {
    const deploymentsDir = path.join(dataDir, "deployments");
    const deployment = await ensureDeployed({ rpcUrl: chain.rpcUrl, deploymentsDir, keys: chain.keys });
    log(`enrolling ${VOTERS} voters…`);
    const voters = await enrolVoters(chain, deployment, provider, VOTERS, DEADLINE_MS);

    log(`raw engine: ${RAW_BALLOTS} pre-signed ballot transactions straight to the node…`);
    const rawRate = await rawEngineRate(chain, deployment, provider, voters);
    log(`  ${rawRate.toFixed(0)} ballots/s`);
    if (setups.some((s) => s.db === "postgres")) postgres = await startPostgres();

    const runs: Measured[] = [];
    let failoverSeconds: number | null = null;
    for (const [n, s] of setups.entries()) {
      const polls = await createPolls(chain, deployment, provider, Math.ceil(BALLOTS / VOTERS));
      const digester = ballotDigester(deployment);
      const ballots: SignedBallot[] = [];
      for (let i = 0; i < BALLOTS; i++)
        ballots.push(sign(digester, voters[i % VOTERS]!, polls[Math.floor(i / VOTERS)]!, BigInt(1 + (i % 2))));
      const databaseUrl = postgres && s.db === "postgres" ? await postgres.createDatabase(`bench_${n}`) : undefined;
      const env: Record<string, string> = databaseUrl
        ? { VECHE_DATABASE_URL: databaseUrl, LEASE_SECONDS: String(LEASE_SECONDS) }
        : {};
      apis = [];
      for (let i = 0; i < s.instances; i++) apis.push(await spawnBenchApi(dataDir, chain, env));
      const databasePid = databaseUrl ? postgres!.pid() : null;
      const measured = await measure(s, dataDir, chain, provider, deployment, apis, ballots, databasePid);
      process.stderr.write(report(measured));
      runs.push(measured);
      if (databaseUrl && s.instances > 1) {
        log(`failover: killing the instance that writes the index…`);
        failoverSeconds = await measureFailover(databaseUrl, apis);
        log(`  its leases held by the others after ${failoverSeconds.toFixed(1)} s`);
      }
      await Promise.all(apis.map((a) => a.stop()));
      apis = [];
    }

    const first = runs[0]!;
    const file = writeFigures("e2e.json", standardFigures(first, rawRate));
    process.stdout.write(`${markdownTable(standardFigures(first, rawRate))}\n\n`);
    if (runs.length > 1) {
      const figures = instanceFigures(runs, failoverSeconds);
      const more = writeFigures("e2e-instances.json", figures);
      process.stdout.write(`${markdownTable(figures)}\n\nFigures written to ${file} and ${more}\n`);
    } else {
      process.stdout.write(`Figures written to ${file}\n`);
    }
  } finally {
    agent.destroy();
    await Promise.all(apis.map((a) => a.stop()));
    provider.destroy();
    await chain.stop();
    postgres?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
