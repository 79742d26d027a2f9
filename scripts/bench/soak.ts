/**
 * Soak: ballots at a steady rate for a long time against the API (its own process) on the embedded
 * chain, to see memory, latency and the outbox stay flat. Every SOAK_SAMPLE_SECONDS it samples the
 * API's and anvil's RSS, ballots accepted and mined, receipt latency of the last window and the
 * outbox depth, then writes the series, an HTML chart and summary figures to `.veche/bench/`.
 *
 *   npm run bench:soak      (SOAK_SECONDS, default 600; SOAK_RATE ballots/s, default 200;
 *                            SOAK_SAMPLE_SECONDS, default 10; SOAK_VOTERS, default 2000)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { connectBallotBox } from "../../contracts/protocol";
import { startEmbeddedChain } from "../../node/embedded/chain";
import { ensureDeployed } from "../../node/embedded/deploy";
import { BENCH_DIR, markdownTable, writeFigures } from "./results";
import type { BenchFigure } from "./results";
import {
  agent,
  anvilPid,
  ballotDigester,
  ballotJson,
  createPolls,
  enrolVoters,
  log,
  percentile,
  receiptLatency,
  request,
  sign,
  spawnBenchApi,
} from "./load";
import { chartPage } from "./soakChart";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const RATE = Number(process.env.SOAK_RATE ?? 200);
const SAMPLE_SECONDS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 10);
const VOTERS = Number(process.env.SOAK_VOTERS ?? 2_000);
/** One ballot in this many is followed until its receipt is served. */
const FOLLOW_EVERY = 10;
/** Past this many unanswered POSTs the generator holds back instead of piling up sockets. */
const MAX_IN_FLIGHT = 2_000;
const RECEIPT_DEADLINE_MS = 120_000;
const DRAIN_MS = 120_000;
const SETUP_DEADLINE_MS = 10 * 60_000;
const LATENCY_GOAL_S = 2;

interface Sample {
  t: number;
  phase: "load" | "drain";
  apiRssMb: number;
  anvilRssMb: number;
  posted: number;
  accepted: number;
  refused: number;
  errors: number;
  mined: number;
  outboxAccepted: number;
  outboxSent: number;
  /** Ballots the contract holds (sum over the polls), to tell a stalled chain from a lagging indexer. */
  chainBallots: number;
  headBlock: number;
  indexedBlock: number;
  latencyP50: number | null;
  latencyP99: number | null;
  latencySamples: number;
}

function rssMb(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

async function scrape(apiUrl: string) {
  const text = (await request(`${apiUrl}/metrics`, "GET")).text;
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
  return {
    mined: value(/^veche_ballots_mined_total (\S+)$/m),
    outboxAccepted: value(/^veche_outbox_depth\{status="accepted"\} (\S+)$/m),
    outboxSent: value(/^veche_outbox_depth\{status="sent"\} (\S+)$/m),
    indexedBlock: value(/^veche_indexed_block (\S+)$/m),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number | null, digits = 3) => (n === null || !Number.isFinite(n) ? null : +n.toFixed(digits));

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-soak-"));
  const chain = await startEmbeddedChain({ dataDir, port: 0 });
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 500 });
  let api: Awaited<ReturnType<typeof spawnBenchApi>> | null = null;
  try {
    const deploymentsDir = path.join(dataDir, "deployments");
    const deployment = await ensureDeployed({ rpcUrl: chain.rpcUrl, deploymentsDir, keys: chain.keys });
    const total = Math.ceil(SECONDS * RATE);
    log(`enrolling ${VOTERS} voters and creating ${Math.ceil(total / VOTERS)} polls…`);
    const voters = await enrolVoters(chain, deployment, provider, VOTERS, SETUP_DEADLINE_MS);
    const polls = await createPolls(chain, deployment, provider, Math.ceil(total / VOTERS));
    const digester = ballotDigester(deployment);
    const box = connectBallotBox(deployment.ballotBox, provider);
    api = await spawnBenchApi(dataDir, chain);
    const apiUrl = api.url;
    const apiPid = api.child.pid!;
    const nodePid = anvilPid(dataDir);

    log(`soak: ${RATE} ballots/s for ${SECONDS} s, sampling every ${SAMPLE_SECONDS} s…`);
    const counts = { posted: 0, accepted: 0, refused: 0, errors: 0, inFlight: 0 };
    let window: number[] = [];
    const all: number[] = [];
    const followers: Promise<void>[] = [];
    const began = Date.now();
    const elapsed = () => (Date.now() - began) / 1000;

    const post = async (i: number) => {
      const b = sign(digester, voters[i % VOTERS]!, polls[Math.floor(i / VOTERS)]!, BigInt(1 + (i % 2)));
      const t0 = Date.now();
      counts.inFlight++;
      try {
        const res = await request(`${apiUrl}/api/ballots`, "POST", ballotJson(b));
        if (res.status !== 202) return void counts.refused++;
        counts.accepted++;
        if (i % FOLLOW_EVERY !== 0) return;
        followers.push(
          receiptLatency(apiUrl, b.leaf, t0, t0 + RECEIPT_DEADLINE_MS)
            .then((s) => {
              if (s === null) return;
              window.push(s);
              all.push(s);
            })
            .catch(() => void counts.errors++),
        );
      } catch {
        counts.errors++;
      } finally {
        counts.inFlight--;
      }
    };

    const samples: Sample[] = [];
    const sample = async (phase: Sample["phase"]) => {
      const sorted = window.sort((x, y) => x - y);
      window = [];
      const m = await scrape(apiUrl).catch(() => ({
        mined: NaN,
        outboxAccepted: NaN,
        outboxSent: NaN,
        indexedBlock: NaN,
      }));
      const [headBlock, chainBallots] = await Promise.all([
        provider.getBlockNumber(),
        Promise.all(polls.map(async (id) => Number((await box.poll(id)).ballots))).then((n) =>
          n.reduce((a, b) => a + b, 0),
        ),
      ]).catch(() => [NaN, NaN]);
      const s: Sample = {
        t: round(elapsed(), 1)!,
        phase,
        apiRssMb: round(rssMb(apiPid), 1)!,
        anvilRssMb: round(rssMb(nodePid), 1)!,
        posted: counts.posted,
        accepted: counts.accepted,
        refused: counts.refused,
        errors: counts.errors,
        ...m,
        chainBallots,
        headBlock,
        latencyP50: round(sorted.length ? percentile(sorted, 50) : null),
        latencyP99: round(sorted.length ? percentile(sorted, 99) : null),
        latencySamples: sorted.length,
      };
      samples.push(s);
      log(
        `  t=${s.t}s api ${s.apiRssMb} MB, anvil ${s.anvilRssMb} MB, accepted ${s.accepted}, mined ${s.mined}, ` +
          `on chain ${s.chainBallots}, outbox ${s.outboxAccepted + s.outboxSent}, ` +
          `blocks ${s.indexedBlock}/${s.headBlock}, p50 ${s.latencyP50 ?? "-"} s, p99 ${s.latencyP99 ?? "-"} s`,
      );
    };

    // Steady rate: every tick issues what the clock says is due, without waiting for answers.
    let issued = 0;
    let nextSample = SAMPLE_SECONDS;
    while (elapsed() < SECONDS && issued < total) {
      const due = Math.min(total, Math.floor(elapsed() * RATE));
      while (issued < due && counts.inFlight < MAX_IN_FLIGHT) {
        counts.posted++;
        void post(issued++);
      }
      if (elapsed() >= nextSample) {
        nextSample += SAMPLE_SECONDS;
        await sample("load");
      }
      await sleep(20);
    }
    const loadSeconds = elapsed();
    while (counts.inFlight > 0 && elapsed() - loadSeconds < 30) await sleep(50);
    await sample("load");

    log("draining: waiting for every accepted ballot to be mined…");
    const drainUntil = Date.now() + DRAIN_MS;
    while (Date.now() < drainUntil) {
      const m = await scrape(apiUrl);
      if (m.mined >= counts.accepted) break;
      await sleep(Math.min(SAMPLE_SECONDS * 1000, 2_000));
    }
    await Promise.all(followers);
    await sample("drain");

    const series = { rate: RATE, seconds: SECONDS, sampleSeconds: SAMPLE_SECONDS, voters: VOTERS, samples };
    fs.mkdirSync(BENCH_DIR, { recursive: true });
    fs.writeFileSync(path.join(BENCH_DIR, "soak.json"), `${JSON.stringify(series, null, 2)}\n`);
    fs.writeFileSync(path.join(BENCH_DIR, "soak.html"), page(samples, loadSeconds));

    all.sort((x, y) => x - y);
    const load = samples.filter((s) => s.phase === "load");
    const first = load[0]!;
    const last = samples.at(-1)!;
    const windowsP99 = load.flatMap((s) => (s.latencyP99 === null ? [] : [s.latencyP99]));
    const figures: BenchFigure[] = [
      fig("soak: API RSS at the end", last.apiRssMb, "MB", "API RSS at the first sample", first.apiRssMb),
      fig("soak: anvil RSS at the end", last.anvilRssMb, "MB", "anvil RSS at the first sample", first.anvilRssMb),
      fig("soak: receipt latency p99 over the run", percentile(all, 99), "s", "goal", LATENCY_GOAL_S),
      fig("soak: receipt latency p50 over the run", percentile(all, 50), "s", "goal for p99", LATENCY_GOAL_S),
      fig("soak: worst window's latency p99", Math.max(...windowsP99), "s", "goal", LATENCY_GOAL_S),
      fig("soak: ballots accepted per second", counts.accepted / loadSeconds, "ballots/s", "target rate", RATE),
      fig("soak: ballots mined", last.mined, "ballots", "ballots accepted", counts.accepted),
      fig(
        "soak: largest outbox depth during the load",
        Math.max(...load.map((s) => s.outboxAccepted + s.outboxSent)),
        "ballots",
        `ballots arriving in ${LATENCY_GOAL_S} s at the target rate`,
        RATE * LATENCY_GOAL_S,
      ),
    ];
    const file = writeFigures("soak-summary.json", figures);
    process.stdout.write(
      `${markdownTable(figures)}\n\n${counts.posted} ballots posted in ${loadSeconds.toFixed(0)} s: ` +
        `${counts.accepted} accepted, ${counts.refused} refused, ${counts.errors} errors; ${all.length} latency samples.\n` +
        `Written to ${file}, soak.json and soak.html beside it.\n`,
    );
    if (last.mined < counts.accepted) {
      log(
        `WARNING: ${counts.accepted - last.mined} accepted ballots were still not mined ${DRAIN_MS / 1000} s after the load`,
      );
    }
  } finally {
    agent.destroy();
    await api?.stop();
    provider.destroy();
    await chain.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function fig(name: string, value: number, unit: string, reference: string, referenceValue: number): BenchFigure {
  return { name, value: round(value) ?? Number.NaN, unit, reference, referenceValue };
}

function page(samples: readonly Sample[], loadSeconds: number): string {
  const pts = (f: (s: Sample) => number | null) =>
    samples.flatMap((s): [number, number][] => {
      const v = f(s);
      return v === null || !Number.isFinite(v) ? [] : [[s.t, v]];
    });
  const perSecond = (f: (s: Sample) => number) =>
    samples.slice(1).map((s, i): [number, number] => [s.t, (f(s) - f(samples[i]!)) / (s.t - samples[i]!.t || 1)]);
  const span: [number, number][] = [
    [0, LATENCY_GOAL_S],
    [samples.at(-1)?.t ?? loadSeconds, LATENCY_GOAL_S],
  ];
  return chartPage(
    "Veche soak benchmark",
    `${RATE} ballots/s for ${loadSeconds.toFixed(0)} s, sampled every ${SAMPLE_SECONDS} s; written ${new Date().toISOString()}.`,
    [
      {
        title: "Memory",
        unit: "MB RSS",
        series: [
          { name: "API", color: "#1f77b4", points: pts((s) => s.apiRssMb) },
          { name: "anvil", color: "#ff7f0e", points: pts((s) => s.anvilRssMb) },
        ],
      },
      {
        title: "Receipt latency of each window (POST → receipt served)",
        unit: "s",
        series: [
          { name: "p50", color: "#2ca02c", points: pts((s) => s.latencyP50) },
          { name: "p99", color: "#d62728", points: pts((s) => s.latencyP99) },
          { name: "goal (p99)", color: "#777", points: span, dashed: true },
        ],
      },
      {
        title: "Throughput and outbox",
        unit: "ballots/s; ballots",
        series: [
          { name: "accepted per second", color: "#1f77b4", points: perSecond((s) => s.accepted) },
          { name: "mined per second", color: "#9467bd", points: perSecond((s) => s.mined) },
          { name: "outbox depth", color: "#8c564b", points: pts((s) => s.outboxAccepted + s.outboxSent) },
        ],
      },
    ],
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
