/**
 * End-to-end throughput: many enrolled voters post signed ballots over HTTP to the API, which relays
 * each as its own transaction to the embedded chain; a ballot is done when the API serves its receipt.
 * Beside it, in the same run, the raw engine's rate for pre-signed ballot transactions sent straight
 * to the node. The load generator, the API (its own process) and the node share the machine's cores.
 *
 *   npm run bench:e2e            (BENCH_BALLOTS, BENCH_VOTERS, BENCH_CONCURRENCY to resize)
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
import { processCpuSeconds } from "./cpu";
import { markdownTable, writeFigures } from "./results";
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

const BALLOTS = Number(process.env.BENCH_BALLOTS ?? 20_000);
const VOTERS = Number(process.env.BENCH_VOTERS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const RAW_BALLOTS = Number(process.env.BENCH_RAW_BALLOTS ?? 10_000);
/** Every this many ballots, one is followed until its receipt is served, for the latency figures. */
const SAMPLE_EVERY = 10;
const DEADLINE_MS = 10 * 60 * 1000;

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

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-bench-"));
  const chain = await startEmbeddedChain({ dataDir, port: 0 });
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 500 });
  let api: Awaited<ReturnType<typeof spawnBenchApi>> | null = null;
  try {
    const deploymentsDir = path.join(dataDir, "deployments");
    const deployment = await ensureDeployed({ rpcUrl: chain.rpcUrl, deploymentsDir, keys: chain.keys });
    log(`enrolling ${VOTERS} voters…`);
    const voters = await enrolVoters(chain, deployment, provider, VOTERS, DEADLINE_MS);

    log(`raw engine: ${RAW_BALLOTS} pre-signed ballot transactions straight to the node…`);
    const rawRate = await rawEngineRate(chain, deployment, provider, voters);
    log(`  ${rawRate.toFixed(0)} ballots/s`);

    const polls = await createPolls(chain, deployment, provider, Math.ceil(BALLOTS / VOTERS));
    const digester = ballotDigester(deployment);
    const ballots: SignedBallot[] = [];
    for (let i = 0; i < BALLOTS; i++)
      ballots.push(sign(digester, voters[i % VOTERS]!, polls[Math.floor(i / VOTERS)]!, BigInt(1 + (i % 2))));

    api = await spawnBenchApi(dataDir, chain);
    const anvilPid = readAnvilPid(dataDir);
    const cpuBefore = {
      api: processCpuSeconds(api.child.pid!),
      node: processCpuSeconds(anvilPid),
      load: process.cpuUsage(),
    };

    log(`end to end: ${BALLOTS} ballots over HTTP, ${CONCURRENCY} in flight…`);
    const postedAt = new Map<string, number>();
    const latencies: number[] = [];
    const followers: Promise<void>[] = [];
    let rejected = 0;
    let next = 0;
    const began = Date.now();
    const chainWatch = watchBallots(chain.rpcUrl, deployment.ballotBox, deployment.deployedBlock);
    // A long poll per sampled ballot: the API answers as soon as the receipt exists.
    const follow = async (id: string, t0: number) => {
      const seconds = await receiptLatency(api!.url, id, t0, t0 + DEADLINE_MS);
      if (seconds !== null) latencies.push(seconds);
    };
    const worker = async () => {
      while (next < ballots.length && Date.now() - began < DEADLINE_MS) {
        const i = next++;
        const b = ballots[i]!;
        const t0 = Date.now();
        const res = await request(`${api!.url}/api/ballots`, "POST", ballotJson(b));
        if (res.status !== 202) rejected++;
        else {
          postedAt.set(b.leaf, t0);
          if (i % SAMPLE_EVERY === 0) followers.push(follow(b.leaf, t0));
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const acceptedSeconds = (Date.now() - began) / 1000;

    // Done when every accepted ballot's event is on-chain; the sampled receipts say when the API served it.
    await chainWatch.done(postedAt, began + DEADLINE_MS);
    const lastSeenAt = chainWatch.lastNewAt;
    await Promise.all(followers);
    const totalSeconds = (lastSeenAt - began) / 1000;
    const cpu = {
      api: processCpuSeconds(api.child.pid!) - cpuBefore.api,
      node: processCpuSeconds(anvilPid) - cpuBefore.node,
      load: (() => {
        const u = process.cpuUsage(cpuBefore.load);
        return (u.user + u.system) / 1e6;
      })(),
    };
    latencies.sort((a, b) => a - b);
    const rate = [...postedAt.keys()].filter((leaf) => chainWatch.seen.has(leaf)).length / totalSeconds;
    const figures: BenchFigure[] = [
      {
        name: "end-to-end ballots per second (HTTP → mined → receipt)",
        value: rate,
        unit: "ballots/s",
        reference: "goal",
        referenceValue: 1500,
      },
      {
        name: "end-to-end ballots per second",
        value: rate,
        unit: "ballots/s",
        reference: "raw engine, pre-signed transactions, same run",
        referenceValue: rawRate,
      },
      {
        name: "end-to-end latency p50 (POST → receipt served)",
        value: percentile(latencies, 50),
        unit: "s",
        reference: "goal for p99",
        referenceValue: 2,
      },
      {
        name: "end-to-end latency p99 (POST → receipt served)",
        value: percentile(latencies, 99),
        unit: "s",
        reference: "goal",
        referenceValue: 2,
      },
      {
        name: "HTTP intake rate (202 answers)",
        value: postedAt.size / acceptedSeconds,
        unit: "ballots/s",
        reference: "goal",
        referenceValue: 1500,
      },
    ];
    const file = writeFigures("e2e.json", figures);
    const cores = os.cpus().length;
    process.stdout.write(`${markdownTable(figures)}\n\n`);
    process.stdout.write(
      `${[...postedAt.keys()].filter((leaf) => chainWatch.seen.has(leaf)).length} of ${BALLOTS} ballots mined (${rejected} refused) in ${totalSeconds.toFixed(1)} s; ${latencies.length} latency samples.\n` +
        `CPU seconds over the run (${cores} cores, ${(totalSeconds * cores).toFixed(0)} core-seconds available): ` +
        `API ${cpu.api.toFixed(1)}, node ${cpu.node.toFixed(1)}, load generator ${cpu.load.toFixed(1)}.\n` +
        `Figures written to ${file}\n`,
    );
  } finally {
    agent.destroy();
    await api?.stop();
    provider.destroy();
    await chain.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
