/** Bench figures as `{ name, value, unit, reference, referenceValue }`, written to `.veche/bench/`. */
import fs from "node:fs";
import path from "node:path";

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  reference: string;
  referenceValue: number;
}

export const BENCH_DIR = path.resolve(__dirname, "..", "..", ".veche", "bench");

export function writeFigures(file: string, figures: readonly BenchFigure[]): string {
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  const target = path.join(BENCH_DIR, file);
  fs.writeFileSync(target, `${JSON.stringify(figures, null, 2)}\n`);
  return target;
}

export function markdownTable(figures: readonly BenchFigure[]): string {
  const rows = figures.map(
    (f) => `| ${f.name} | ${format(f.value)} ${f.unit} | ${f.reference} | ${format(f.referenceValue)} ${f.unit} |`,
  );
  return ["| figure | measured | reference | reference value |", "|---|---|---|---|", ...rows].join("\n");
}

function format(value: number): string {
  return Number.isInteger(value)
    ? value.toLocaleString("en-US")
    : value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}
