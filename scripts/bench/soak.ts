/**
 * Soak: a voting day at a steady rate against the API (its own process) on the embedded chain, to see
 * memory, latency and the outbox stay flat. Every --sample-seconds it samples the API's and anvil's
 * RSS, ballots accepted and mined, and the outbox depth; each followed ballot's receipt latency is
 * counted in the minute it was posted. After the load it measures a clean restart of chain and API,
 * then runs one more minute of load with a SIGKILL of the chain half-way, and checks that every
 * ballot accepted over the whole run is on the chain exactly once. Writes the series, a per-minute
 * table, an HTML chart and summary figures to `.veche/bench/`.
 *
 *   npm run bench:soak -- --rate 100 --minutes 60     (defaults: 200 ballots/s for 10 minutes;
 *                                                      --voters 2000, --sample-seconds 10, --no-kill)
 */
import { parseArgs } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { collectLogs, connectBallotBox, decodeBallotCast, EVENT_TOPICS } from "../../contracts/protocol";
import { ballotLeafHex } from "../../contracts/protocol/node/ballotCodec";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { startEmbeddedChain } from "../../node/embedded/chain";
import type { EmbeddedChain } from "../../node/embedded/chain";
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

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: process.env.SOAK_RATE ?? "200" },
    minutes: { type: "string", default: process.env.SOAK_MINUTES ?? "10" },
    voters: { type: "string", default: process.env.SOAK_VOTERS ?? "2000" },
    "sample-seconds": { type: "string", default: process.env.SOAK_SAMPLE_SECONDS ?? "10" },
    "no-kill": { type: "boolean", default: false },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.minutes) * 60;
const SAMPLE_SECONDS = Number(args["sample-seconds"]);
const VOTERS = Number(args.voters);
const KILL = !args["no-kill"];
/** One ballot in this many is followed until its receipt is served. */
const FOLLOW_EVERY = 10;
/** Past this many unanswered POSTs the generator holds back instead of piling up sockets. */
const MAX_IN_FLIGHT = 2_000;
const RECEIPT_DEADLINE_MS = 120_000;
const DRAIN_MS = 180_000;
const SETUP_DEADLINE_MS = 10 * 60_000;
const LATENCY_GOAL_S = 2;
const RESTART_GOAL_S = 60;
const MEMORY_GOAL_MB = 2048;
const KILL_PHASE_SECONDS = 60;

interface Sample {
  t: number;
  phase: "load" | "drain";
  apiRssMb: number;
  anvilRssMb: number;
  /** This process: the load generator and the chain's archive and front. */
  benchRssMb: number;
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

interface MinuteRow {
  minute: number;
  samples: number;
  p50: number | null;
  p99: number | null;
  apiRssMb: number;
  anvilRssMb: number;
}

/** Ballots at a steady rate, with every accepted id kept and followed latencies filed by minute. */
class LoadGenerator {
  readonly counts = { posted: 0, accepted: 0, refused: 0, errors: 0, inFlight: 0 };
  readonly accepted = new Set<string>();
  readonly byMinute = new Map<number, number[]>();
  window: number[] = [];
  private readonly followers: Promise<void>[] = [];
  private next = 0;

  constructor(
    private readonly apiUrl: () => string,
    private readonly ballot: (i: number) => ReturnType<typeof sign>,
    private readonly began: number,
  ) {}

  /** Posts at `rate` for `seconds`, calling `tick` every loop; `record` files latencies by minute. */
  async run(rate: number, seconds: number, record: boolean, tick: (elapsed: number) => Promise<void>): Promise<void> {
    const start = Date.now();
    const first = this.next;
    const elapsed = () => (Date.now() - start) / 1000;
    while (elapsed() < seconds) {
      const due = first + Math.floor(elapsed() * rate);
      while (this.next < due && this.counts.inFlight < MAX_IN_FLIGHT) {
        this.counts.posted++;
        void this.post(this.next++, record);
      }
      await tick(elapsed());
      await sleep(20);
    }
    const end = Date.now();
    while (this.counts.inFlight > 0 && Date.now() - end < 30_000) await sleep(50);
  }

  async settled(): Promise<void> {
    await Promise.all(this.followers);
  }

  private async post(i: number, record: boolean): Promise<void> {
    const b = this.ballot(i);
    const t0 = Date.now();
    this.counts.inFlight++;
    try {
      const res = await request(`${this.apiUrl()}/api/ballots`, "POST", ballotJson(b));
      if (res.status !== 202 && res.status !== 200) return void this.counts.refused++;
      this.counts.accepted++;
      this.accepted.add(b.leaf);
      if (i % FOLLOW_EVERY !== 0) return;
      const minute = Math.floor((t0 - this.began) / 60_000);
      this.followers.push(
        receiptLatency(this.apiUrl(), b.leaf, t0, t0 + RECEIPT_DEADLINE_MS)
          .then((s) => {
            if (s === null || !record) return;
            this.window.push(s);
            const list = this.byMinute.get(minute) ?? [];
            list.push(s);
            this.byMinute.set(minute, list);
          })
          .catch(() => void this.counts.errors++),
      );
    } catch {
      this.counts.errors++;
    } finally {
      this.counts.inFlight--;
    }
  }
}

/** Every BallotCast leaf on the chain and how often it appears, read in block pages through the endpoint. */
async function leavesOnChain(rpcUrl: string, ballotBox: string, fromBlock: number): Promise<Map<string, number>> {
  const rpc = new NodeRpcClient(rpcUrl, 120_000);
  const counted = new Map<string, number>();
  try {
    const head = Number(await rpc.call<string>("eth_blockNumber", []));
    const logs = await collectLogs(rpc, { address: ballotBox, topics: [EVENT_TOPICS.BallotCast] }, fromBlock, head);
    for (const l of logs) {
      const leaf = ballotLeafHex(decodeBallotCast(l));
      counted.set(leaf, (counted.get(leaf) ?? 0) + 1);
    }
  } finally {
    rpc.close();
  }
  return counted;
}

async function waitReady(apiUrl: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const status = await request(`${apiUrl}/readyz`, "GET")
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error("the API did not get ready");
    await sleep(200);
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-soak-"));
  let missing = 0;
  let chain: EmbeddedChain = await startEmbeddedChain({ dataDir, port: 0 });
  const port = chain.port;
  const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 500 });
  let api: Awaited<ReturnType<typeof spawnBenchApi>> | null = null;
  try {
    const deploymentsDir = path.join(dataDir, "deployments");
    const deployment = await ensureDeployed({ rpcUrl: chain.rpcUrl, deploymentsDir, keys: chain.keys });
    const total = Math.ceil((SECONDS + (KILL ? KILL_PHASE_SECONDS : 0)) * RATE) + RATE * 60;
    log(`enrolling ${VOTERS} voters and creating ${Math.ceil(total / VOTERS)} polls…`);
    const voters = await enrolVoters(chain, deployment, provider, VOTERS, SETUP_DEADLINE_MS);
    const polls = await createPolls(chain, deployment, provider, Math.ceil(total / VOTERS));
    const digester = ballotDigester(deployment);
    const box = connectBallotBox(deployment.ballotBox, provider);
    api = await spawnBenchApi(dataDir, chain);
    const began = Date.now();
    const gen = new LoadGenerator(
      () => api!.url,
      (i) => sign(digester, voters[i % VOTERS]!, polls[Math.floor(i / VOTERS)]!, BigInt(1 + (i % 2))),
      began,
    );
    const elapsed = () => (Date.now() - began) / 1000;

    // Each (voter, poll) gets one ballot, so the contract's ballot count reaches the accepted count.
    const chainCount = async () =>
      (await Promise.all(polls.map(async (id) => Number((await box.poll(id)).ballots)))).reduce((a, b) => a + b, 0);
    const samples: Sample[] = [];
    const sample = async (phase: Sample["phase"]) => {
      const sorted = gen.window.sort((x, y) => x - y);
      gen.window = [];
      const m = await scrape(api!.url).catch(() => ({
        mined: NaN,
        outboxAccepted: NaN,
        outboxSent: NaN,
        indexedBlock: NaN,
      }));
      const [headBlock, chainBallots] = await Promise.all([provider.getBlockNumber(), chainCount()]).catch(() => [
        NaN,
        NaN,
      ]);
      const c = gen.counts;
      const s: Sample = {
        t: round(elapsed(), 1)!,
        phase,
        apiRssMb: round(rssMb(api!.child.pid!), 1)!,
        anvilRssMb: round(rssMb(anvilPid(dataDir)), 1)!,
        benchRssMb: round(process.memoryUsage.rss() / 2 ** 20, 1)!,
        posted: c.posted,
        accepted: c.accepted,
        refused: c.refused,
        errors: c.errors,
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
    const drain = async () => {
      const until = Date.now() + DRAIN_MS;
      while (Date.now() < until) {
        const m = await scrape(api!.url).catch(() => null);
        const onChain = await chainCount().catch(() => -1);
        if (m && m.outboxAccepted + m.outboxSent === 0 && onChain >= gen.accepted.size) break;
        await sleep(2_000);
      }
      await gen.settled();
    };

    log(`soak: ${RATE} ballots/s for ${SECONDS / 60} min, sampling every ${SAMPLE_SECONDS} s…`);
    let nextSample = SAMPLE_SECONDS;
    await gen.run(RATE, SECONDS, true, async () => {
      if (elapsed() < nextSample) return;
      nextSample += SAMPLE_SECONDS;
      await sample("load");
    });
    const loadSeconds = elapsed();
    await sample("load");
    log("draining: waiting for every accepted ballot to be mined…");
    await drain();
    await sample("drain");
    const endOfLoad = samples.at(-1)!;

    log("restart: a clean stop of API and chain, then a start, until the API is ready…");
    const stopBegan = Date.now();
    await api.stop();
    await chain.stop();
    const stopSeconds = (Date.now() - stopBegan) / 1000;
    const startBegan = Date.now();
    chain = await startEmbeddedChain({ dataDir, port });
    api = await spawnBenchApi(dataDir, chain);
    await waitReady(api.url, 5 * 60_000);
    const restartSeconds = (Date.now() - startBegan) / 1000;
    log(`  stopped in ${stopSeconds.toFixed(1)} s, started and ready in ${restartSeconds.toFixed(1)} s`);

    let killNote = "not run (--no-kill)";
    if (KILL) {
      log(`kill: ${KILL_PHASE_SECONDS} s more at ${RATE} ballots/s, the chain SIGKILLed half-way and restarted…`);
      let killed = false;
      await gen.run(RATE, KILL_PHASE_SECONDS, false, async (t) => {
        if (killed || t < KILL_PHASE_SECONDS / 2) return;
        killed = true;
        await chain.kill();
        chain = await startEmbeddedChain({ dataDir, port });
      });
      await drain();
      killNote = "chain SIGKILLed under load and restarted";
    }

    log("checking every accepted ballot against the chain's BallotCast events…");
    const counted = await leavesOnChain(chain.rpcUrl, deployment.ballotBox, deployment.deployedBlock);
    missing = 0;
    let twice = 0;
    const lost: string[] = [];
    for (const leaf of gen.accepted) {
      const n = counted.get(leaf) ?? 0;
      if (n === 0) lost.push(leaf);
      if (n > 1) twice++;
    }
    missing = lost.length;
    for (const n of counted.values()) if (n > 1) twice++;
    log(
      `  accepted ${gen.accepted.size}, on chain ${counted.size}, missing ${missing}, counted more than once ${twice}`,
    );

    if (missing > 0) await postMortem(api.url, lost, dataDir, api.output());

    const minutes = minuteRows(gen.byMinute, samples);
    const series = { rate: RATE, seconds: SECONDS, sampleSeconds: SAMPLE_SECONDS, voters: VOTERS, samples, minutes };
    fs.mkdirSync(BENCH_DIR, { recursive: true });
    fs.writeFileSync(path.join(BENCH_DIR, "soak.json"), `${JSON.stringify(series, null, 2)}\n`);
    fs.writeFileSync(path.join(BENCH_DIR, "soak.html"), page(samples, loadSeconds, minutes));

    const all = [...gen.byMinute.values()].flat().sort((x, y) => x - y);
    const load = samples.filter((s) => s.phase === "load");
    const first = load[0]!;
    const worstMinuteP99 = Math.max(...minutes.flatMap((m) => (m.p99 === null ? [] : [m.p99])));
    const figures: BenchFigure[] = [
      fig(
        "soak: API + anvil RSS at the end of the load",
        endOfLoad.apiRssMb + endOfLoad.anvilRssMb,
        "MB",
        "goal",
        MEMORY_GOAL_MB,
      ),
      fig(
        "soak: API RSS at the end of the load",
        endOfLoad.apiRssMb,
        "MB",
        "API RSS at the first sample",
        first.apiRssMb,
      ),
      fig(
        "soak: anvil RSS at the end of the load",
        endOfLoad.anvilRssMb,
        "MB",
        "anvil RSS at the first sample",
        first.anvilRssMb,
      ),
      fig("soak: worst minute's receipt latency p99", worstMinuteP99, "s", "goal", LATENCY_GOAL_S),
      fig("soak: receipt latency p99 over the run", percentile(all, 99), "s", "goal", LATENCY_GOAL_S),
      fig("soak: receipt latency p50 over the run", percentile(all, 50), "s", "goal for p99", LATENCY_GOAL_S),
      fig("soak: ballots accepted per second", endOfLoad.accepted / loadSeconds, "ballots/s", "target rate", RATE),
      fig("soak: restart of chain and API until ready", restartSeconds, "s", "goal", RESTART_GOAL_S),
      fig("soak: accepted ballots missing on the chain", missing, "ballots", "goal", 0),
      fig("soak: ballots counted more than once", twice, "ballots", "goal", 0),
      fig(
        "soak: largest outbox depth during the load",
        Math.max(...load.map((s) => s.outboxAccepted + s.outboxSent)),
        "ballots",
        `ballots arriving in ${LATENCY_GOAL_S} s at the target rate`,
        RATE * LATENCY_GOAL_S,
      ),
    ];
    const file = writeFigures("soak-summary.json", figures);
    const c = gen.counts;
    process.stdout.write(
      `${markdownTable(figures)}\n\n${minuteTable(minutes)}\n\n` +
        `${c.posted} ballots posted: ${c.accepted} accepted, ${c.refused} refused, ${c.errors} errors; ` +
        `${all.length} latency samples during the load. Kill phase: ${killNote}.\n` +
        `Written to ${file}, soak.json and soak.html beside it.\n`,
    );
  } finally {
    agent.destroy();
    await api?.stop();
    provider.destroy();
    await chain.stop();
    // A run that lost ballots keeps its chain, archive and API database for the post-mortem.
    if (missing === 0) fs.rmSync(dataDir, { recursive: true, force: true });
    else log(`kept ${dataDir} for inspection: ${missing} accepted ballots are missing on the chain`);
  }
}

/** Where the API says each missing ballot stands, and its log, written beside the kept data. */
async function postMortem(apiUrl: string, lost: readonly string[], dataDir: string, apiOutput: string): Promise<void> {
  const statuses = new Map<string, number>();
  const rows: unknown[] = [];
  for (const id of lost) {
    const res = await request(`${apiUrl}/api/ballots/${id}`, "GET").catch(() => ({ status: 0, text: "{}" }));
    const body = JSON.parse(res.text || "{}") as { status?: string; error?: { code?: string } };
    const key = `${res.status} ${body.status ?? body.error?.code ?? "?"}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    rows.push({ id, http: res.status, ...body });
  }
  fs.writeFileSync(path.join(dataDir, "missing.json"), `${JSON.stringify(rows, null, 2)}\n`);
  fs.writeFileSync(path.join(dataDir, "api.log"), apiOutput);
  log(`  missing ballots as the API sees them: ${JSON.stringify(Object.fromEntries(statuses))}`);
}

/** Latency percentiles of the ballots posted in each minute, beside the RSS sampled last in it. */
function minuteRows(byMinute: ReadonlyMap<number, number[]>, samples: readonly Sample[]): MinuteRow[] {
  return [...byMinute.keys()]
    .sort((a, b) => a - b)
    .map((minute) => {
      const sorted = [...byMinute.get(minute)!].sort((x, y) => x - y);
      const inMinute = samples.filter((s) => s.phase === "load" && Math.floor(s.t / 60) === minute);
      const last = inMinute.at(-1) ?? samples.at(-1)!;
      return {
        minute: minute + 1,
        samples: sorted.length,
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        apiRssMb: last.apiRssMb,
        anvilRssMb: last.anvilRssMb,
      };
    });
}

function minuteTable(rows: readonly MinuteRow[]): string {
  return [
    "| minute | followed ballots | p50 (s) | p99 (s) | API RSS (MB) | anvil RSS (MB) |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.minute} | ${r.samples} | ${r.p50 ?? "-"} | ${r.p99 ?? "-"} | ${r.apiRssMb} | ${r.anvilRssMb} |`,
    ),
  ].join("\n");
}

function fig(name: string, value: number, unit: string, reference: string, referenceValue: number): BenchFigure {
  return { name, value: round(value) ?? Number.NaN, unit, reference, referenceValue };
}

function page(samples: readonly Sample[], loadSeconds: number, minutes: readonly MinuteRow[]): string {
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
          { name: "load generator + chain archive", color: "#7f7f7f", points: pts((s) => s.benchRssMb) },
        ],
      },
      {
        title: "Receipt latency of the ballots posted in each minute",
        unit: "s",
        series: [
          {
            name: "p50",
            color: "#2ca02c",
            points: minutes.flatMap((m) => (m.p50 === null ? [] : [[m.minute * 60, m.p50] as [number, number]])),
          },
          {
            name: "p99",
            color: "#d62728",
            points: minutes.flatMap((m) => (m.p99 === null ? [] : [[m.minute * 60, m.p99] as [number, number]])),
          },
          { name: "goal (p99)", color: "#777", points: span, dashed: true },
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
