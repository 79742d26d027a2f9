/**
 * `npm run bench`: every benchmark in turn, then one list of figures in `.veche/bench/latest.json`
 * and a Markdown table beside it. Each benchmark measures its references in its own run.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BENCH_DIR, markdownTable } from "./results";
import type { BenchFigure } from "./results";

const REPO = path.resolve(__dirname, "..", "..");

const BENCHES: { name: string; command: string[]; output: string }[] = [
  { name: "gas per ballot", command: ["npx", "hardhat", "run", "scripts/gas/ballotGas.ts"], output: "gas.json" },
  {
    name: "end to end",
    command: ["npx", "ts-node", "--transpile-only", "scripts/bench/endToEnd.ts"],
    output: "e2e.json",
  },
  {
    name: "end to end, API instances on PostgreSQL beside one on SQLite, failover",
    command: [
      "npx",
      "ts-node",
      "--transpile-only",
      "scripts/bench/endToEnd.ts",
      "--db",
      "postgres",
      "--instances",
      "3",
    ],
    output: "e2e-instances.json",
  },
  {
    name: "audit, proofs and API memory",
    command: ["npx", "ts-node", "--transpile-only", "scripts/bench/audit.ts"],
    output: "audit.json",
  },
  {
    name: "membership proof checks: batches, snarkjs, the node's verifier",
    command: ["npx", "ts-node", "--transpile-only", "scripts/bench/proofCheck.ts"],
    output: "proof-check.json",
  },
  {
    name: "secret ballots end to end, beside open ballots",
    command: ["npx", "ts-node", "--transpile-only", "scripts/bench/secretEndToEnd.ts"],
    output: "e2e-secret.json",
  },
  {
    name: "audit of a secret poll over a census of 100,000",
    command: ["npm", "run", "bench:secret-audit"],
    output: "secret-audit.json",
  },
];

function main(): number {
  const figures: BenchFigure[] = [];
  const failed: string[] = [];
  for (const bench of BENCHES) {
    process.stderr.write(`\n=== ${bench.name}: ${bench.command.join(" ")}\n`);
    const output = path.join(BENCH_DIR, bench.output);
    fs.rmSync(output, { force: true });
    const run = spawnSync(bench.command[0]!, bench.command.slice(1), { cwd: REPO, stdio: "inherit" });
    if (run.status !== 0 || !fs.existsSync(output)) {
      failed.push(bench.name);
      continue;
    }
    figures.push(...(JSON.parse(fs.readFileSync(output, "utf8")) as BenchFigure[]));
  }
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(path.join(BENCH_DIR, "latest.json"), `${JSON.stringify(figures, null, 2)}\n`);
  const table = markdownTable(figures);
  const note = failed.length > 0 ? `\n\nBenchmarks that failed: ${failed.join(", ")}.\n` : "\n";
  fs.writeFileSync(path.join(BENCH_DIR, "latest.md"), `# Veche benchmarks\n\n${table}${note}`);
  process.stdout.write(`\n${table}${note}\nWritten to ${path.join(BENCH_DIR, "latest.json")} and latest.md\n`);
  return failed.length > 0 ? 1 : 0;
}

process.exit(main());
