/**
 * `npm run bench:audit`: the audit's speed and the indexer's memory, each beside its goal and the
 * plain-JS way (ethers decoding, ethers/AbiCoder leaves, merkletreejs with its default JS keccak),
 * in one run. Writes .veche/bench/audit.json and prints a Markdown table. Only 127.0.0.1 is contacted.
 *
 * Sizes can be lowered for a quick look: BENCH_AUDIT_BALLOTS (1,000,000), BENCH_AUDIT_BASELINE
 * (100,000: the plain-JS run is measured on this many and scaled), BENCH_AUDIT_RESIDENTS (20,000) and
 * BENCH_AUDIT_REVISIONS (5) for the chain poll.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import {
  ballotLeaf,
  buildBallotTree,
  connectBallotBox,
  decodeEventAbi,
  PollCount,
  totalOptions,
  treeRoot,
} from "../../contracts/protocol";
import type { CastBallot, RawLog } from "../../contracts/protocol";
import { BallotLayers } from "../../api/src/indexer/ballotLayers";
import { keccak256Native as nativeKeccak } from "../../contracts/protocol/node/native";
import { auditPoll } from "../audit/audit";
import { PollChecker } from "../audit/checker";
import { ballotRecord } from "../audit/history";
import { keccak256Native } from "../../contracts/protocol/node/native";
import { fillPoll, startBenchChain } from "./auditChain";
import {
  asJson,
  ballotPage,
  BALLOTS_PER_BLOCK,
  FIRST_BALLOT_BLOCK,
  SYNTHETIC_BALLOT_BOX,
  SYNTHETIC_POLL,
  SYNTHETIC_QUESTIONS,
} from "./auditSynthetic";

interface Figure {
  name: string;
  value: number;
  unit: string;
  reference: string;
  referenceValue: number;
}

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const BALLOTS = env("BENCH_AUDIT_BALLOTS", 1_000_000);
const BASELINE = Math.min(BALLOTS, env("BENCH_AUDIT_BASELINE", 100_000));
const RESIDENTS = env("BENCH_AUDIT_RESIDENTS", 20_000);
const REVISIONS = env("BENCH_AUDIT_REVISIONS", 5);
const PAGE = 10_000;
const log = (m: string) => process.stderr.write(`[bench:audit] ${m}\n`);
const round = (v: number, digits = 2) => Number(v.toFixed(digits));

/** The plain path's decoding: ethers' ABI decoder (the audit reads the layout by hand). */
function plainBallotCast(log: Pick<RawLog, "topics" | "data">): CastBallot {
  const event = decodeEventAbi(log);
  if (event?.name !== "BallotCast") throw new Error("not a BallotCast log");
  return event;
}

/** A page of logs as JSON.parse hands them over (flat strings), made outside the timed sections. */
function page(from: number, to: number): RawLog[] {
  return JSON.parse(asJson(ballotPage(from, Math.min(to, BALLOTS)))) as RawLog[];
}

/**
 * Recount + root of the synthetic poll with the audit's own checker: decoding, leaves, recount, choice,
 * revision and window checks, and the merkletreejs root. Signatures and eligibility are timed on the
 * chain benchmark with real ones.
 */
function auditSynthetic(): { seconds: number; root: string; leaves: Buffer[] } {
  let busy = 0;
  const blockTimes = new Map<number, number>();
  for (let b = 0; b <= BALLOTS / BALLOTS_PER_BLOCK + 1; b++) blockTimes.set(FIRST_BALLOT_BLOCK + b, 1_800_000_000 + b);
  const checker = new PollChecker(
    {
      chainId: 31337n,
      ballotBox: SYNTHETIC_BALLOT_BOX,
      pollId: SYNTHETIC_POLL,
      poll: {
        pollId: SYNTHETIC_POLL,
        questions: SYNTHETIC_QUESTIONS,
        districts: [],
        revote: false,
        start: 0,
        end: 4_000_000_000,
        created: { block: 500, logIndex: 0 },
      },
      lifecycle: {},
      registry: [],
      blockTimes,
    },
    { checkSignatures: false, checkEligibility: false },
  );
  for (let from = 0; from < BALLOTS; from += PAGE) {
    const logs = page(from, from + PAGE);
    const t = performance.now();
    for (const l of logs) checker.add(ballotRecord(l));
    busy += performance.now() - t;
  }
  const t = performance.now();
  const report = checker.finish({
    block: 0,
    state: "Active",
    ballots: BALLOTS,
    tallies: [],
    ballotRoot: "0x",
    finalRoot: "0x",
  });
  busy += performance.now() - t;
  const unexpected = report.findings.filter((f) => f.code !== "TALLY_MISMATCH" && f.code !== "ROOT_MISMATCH");
  if (unexpected.length > 0)
    throw new Error(`synthetic poll did not audit clean: ${JSON.stringify(unexpected.slice(0, 3))}`);
  return { seconds: busy / 1000, root: report.root, leaves: [...checker.leafBuffers] };
}

/** The plain-JS way over the first `count` ballots: ethers decoding and leaves, merkletreejs default keccak. */
function baselineSynthetic(count: number): { seconds: number; root: string } {
  let busy = 0;
  const leaves: string[] = [];
  const tally = new PollCount(totalOptions(SYNTHETIC_QUESTIONS));
  for (let from = 0; from < count; from += PAGE) {
    const logs = page(from, Math.min(count, from + PAGE));
    const t = performance.now();
    for (const l of logs) {
      const b = plainBallotCast(l);
      leaves.push(ballotLeaf(b));
      tally.add(b);
    }
    busy += performance.now() - t;
  }
  const t = performance.now();
  const root = treeRoot(buildBallotTree(leaves));
  busy += performance.now() - t;
  return { seconds: busy / 1000, root };
}

function proofTimes(leaves: Buffer[]) {
  const tree = buildBallotTree(leaves, keccak256Native);
  const layers = new BallotLayers(nativeKeccak);
  for (let i = 0; i < leaves.length; i += PAGE) layers.append(leaves.slice(i, i + PAGE));
  if (layers.root() !== treeRoot(tree)) throw new Error("indexer layers and merkletreejs disagree on the root");
  const samples: number[] = [];
  for (let k = 0; k < 10_000; k++) {
    const index = Math.floor(Math.random() * leaves.length);
    const t = performance.now();
    layers.proof(index);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const p99 = samples[Math.floor(samples.length * 0.99)]!;
  const withIndex: number[] = [];
  for (let k = 0; k < 1_000; k++) {
    const index = Math.floor(Math.random() * leaves.length);
    const t = performance.now();
    tree.getProof(leaves[index]!, index);
    withIndex.push(performance.now() - t);
  }
  const linear: number[] = [];
  for (let k = 0; k < 5; k++) {
    const index = Math.floor(Math.random() * leaves.length);
    const t = performance.now();
    tree.getProof(leaves[index]!);
    linear.push(performance.now() - t);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { p99, mean: mean(samples), merkletreejsIndexed: mean(withIndex), merkletreejsLinear: mean(linear) };
}

async function chainBench(): Promise<{ seconds: number; baselineSeconds: number; ballots: number; ok: boolean }> {
  const node = await startBenchChain(log);
  try {
    const filled = await fillPoll(node.rpcUrl, node.dataDir, RESIDENTS, REVISIONS, log);
    let t = performance.now();
    const report = await auditPoll({
      rpcUrl: node.rpcUrl,
      ballotBox: filled.deployment.ballotBox,
      pollId: filled.pollId,
      fromBlock: filled.deployment.deployedBlock,
    });
    const seconds = (performance.now() - t) / 1000;
    log(
      `audit of ${report.ballots} ballots from the node: ${seconds.toFixed(2)} s, ${report.ok ? "OK" : JSON.stringify(report.findingCounts)}`,
    );

    // Plain JS: ethers queryFilter (decoded EventLogs), ethers leaves, PollCount, merkletreejs JS keccak.
    const provider = new JsonRpcProvider(node.rpcUrl, undefined, { staticNetwork: true });
    const box = connectBallotBox(filled.deployment.ballotBox, provider);
    t = performance.now();
    // One getLogs for the whole poll overflows ethers' response decoding (a 100 MB body becomes
    // one array of code points), so the baseline pages by blocks too.
    const head = await provider.getBlockNumber();
    const events = [];
    for (let from = filled.deployment.deployedBlock; from <= head; from += 5) {
      events.push(...(await box.queryFilter(box.filters.BallotCast(filled.pollId), from, Math.min(head, from + 4))));
    }
    const count = new PollCount(5);
    const leaves = events.map((e) => {
      const b = plainBallotCast({ topics: [...e.topics], data: e.data });
      count.add(b);
      return ballotLeaf({ ...b, pollId: filled.pollId });
    });
    const root = treeRoot(buildBallotTree(leaves));
    const baselineSeconds = (performance.now() - t) / 1000;
    provider.destroy();
    if (root !== report.root) throw new Error("baseline and audit disagree on the root");
    log(`plain-JS fetch + recount + root (no signature checks): ${baselineSeconds.toFixed(2)} s`);
    return { seconds, baselineSeconds, ballots: report.ballots, ok: report.ok };
  } finally {
    await node.stop();
  }
}

function memoryBench(): { rssMb: number; structuresMb: number; loadSeconds: number } {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "-r", "ts-node/register", path.join(__dirname, "auditMemory.ts"), String(BALLOTS)],
    { env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, maxBuffer: 1 << 20 },
  ).toString();
  const m = JSON.parse(out) as {
    loadMs: number;
    before: { rss: number; heapUsed: number; external: number };
    after: { rss: number; heapUsed: number; external: number };
  };
  const mb = (b: number) => b / 2 ** 20;
  return {
    rssMb: mb(m.after.rss),
    structuresMb: mb(m.after.heapUsed + m.after.external - m.before.heapUsed - m.before.external),
    loadSeconds: m.loadMs / 1000,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const n = BALLOTS.toLocaleString("en");
  log(`recount + root of ${n} synthetic ballots`);
  const fast = auditSynthetic();
  log(`  native: ${fast.seconds.toFixed(2)} s`);
  const base = baselineSynthetic(BASELINE);
  const scale = BALLOTS / BASELINE;
  log(
    `  plain JS on ${BASELINE.toLocaleString("en")}: ${base.seconds.toFixed(2)} s (×${scale} → ${(base.seconds * scale).toFixed(1)} s)`,
  );
  if (BASELINE === BALLOTS && base.root !== fast.root) throw new Error("baseline and audit disagree on the root");

  const proofs = proofTimes(fast.leaves);
  log(`  proofs: mean ${proofs.mean.toFixed(4)} ms, p99 ${proofs.p99.toFixed(4)} ms`);
  fast.leaves.length = 0;

  const memory = memoryBench();
  log(`  memory: rss ${memory.rssMb.toFixed(0)} MB, structures ${memory.structuresMb.toFixed(0)} MB`);

  const chain = await chainBench();
  const cn = chain.ballots.toLocaleString("en");
  const baselineNote = `plain JS, measured on ${BASELINE.toLocaleString("en")} and scaled ×${scale}`;
  const figures: Figure[] = [
    {
      name: `audit recount + Merkle root, ${n} ballots from events`,
      value: round(fast.seconds),
      unit: "s",
      reference: "goal",
      referenceValue: 10,
    },
    {
      name: `audit recount + Merkle root, ${n} ballots from events`,
      value: round(base.seconds * scale, 1),
      unit: "s",
      reference: baselineNote,
      referenceValue: round(base.seconds * scale, 1),
    },
    {
      name: `audit fetch + full check of ${cn} ballots from the node (signatures, eligibility, recount, root)`,
      value: round(chain.seconds),
      unit: "s",
      reference: "goal",
      referenceValue: 20,
    },
    {
      name: `plain-JS fetch + recount + root of ${cn} ballots from the node (ethers queryFilter, no signature checks)`,
      value: round(chain.baselineSeconds),
      unit: "s",
      reference: "goal",
      referenceValue: 20,
    },
    {
      name: `inclusion proof at ${n} ballots, p99 (indexer layers)`,
      value: round(proofs.p99, 4),
      unit: "ms",
      reference: "goal",
      referenceValue: 5,
    },
    {
      name: `inclusion proof at ${n} ballots, merkletreejs getProof(leaf, index)`,
      value: round(proofs.merkletreejsIndexed, 4),
      unit: "ms",
      reference: "goal",
      referenceValue: 5,
    },
    {
      name: `inclusion proof at ${n} ballots, merkletreejs lookup by leaf value`,
      value: round(proofs.merkletreejsLinear, 1),
      unit: "ms",
      reference: "goal",
      referenceValue: 5,
    },
    {
      name: `process RSS with the indexer's structures for a ${n}-ballot poll loaded (node + SQLite + PollTrees)`,
      value: round(memory.rssMb, 0),
      unit: "MB",
      reference: "goal",
      referenceValue: 512,
    },
    {
      name: `indexer per-poll structures (tree, recount, timeline), ${n} ballots`,
      value: round(memory.structuresMb, 0),
      unit: "MB",
      reference: "goal",
      referenceValue: 512,
    },
  ];
  const dir = path.resolve(__dirname, "..", "..", ".veche", "bench");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "audit.json"), `${JSON.stringify(figures, null, 2)}\n`);
  const table = [
    "| measure | value | reference |",
    "|---|---:|---|",
    ...figures.map((f) => `| ${f.name} | ${f.value} ${f.unit} | ${f.reference}: ${f.referenceValue} ${f.unit} |`),
  ].join("\n");
  fs.writeFileSync(path.join(dir, "audit.md"), `${table}\n`);
  process.stdout.write(`${table}\n`);
  log(
    `done in ${((Date.now() - started) / 1000).toFixed(0)} s; chain poll audit ${chain.ok ? "OK" : "FOUND MISMATCHES"}`,
  );
  if (!chain.ok) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
