/**
 * Run as a child of the benchmark (`node --expose-gc`): loads a million ballots into the indexer's
 * per-poll structures (PollTrees: tree layers, recount, timeline) through the same path the chain
 * follower feeds, and prints the process's memory before and after as JSON.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SqliteSql } from "../../api/src/store/sqlite";
import { migrate } from "../../api/src/store/migrate";
import { indexerMigrations } from "../../api/src/indexer/schema";
import { SqlIndexerStore } from "../../api/src/indexer/sqlStore";
import { PollTrees } from "../../api/src/indexer/pollTrees";
import { ballotLeafNative } from "../../contracts/protocol/node/ballotCodec";
import { syntheticChoices } from "./auditSynthetic";

const BALLOTS = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;

function memory() {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "veche-bench-memory-"));
  const sql = new SqliteSql(path.join(dir, "api.sqlite"));
  await migrate(sql, indexerMigrations);
  await sql.run(
    `INSERT INTO polls (id, content_hash, uri, start, "end", questions, districts, revote, points, status, block, tx_hash)
   VALUES (1, '0x', '', 0, 4000000000, ?, '[]', 0, 1, 'scheduled', 1, '0x')`,
    [
      JSON.stringify([
        { options: 3, maxChoices: 1 },
        { options: 2, maxChoices: 2 },
      ]),
    ],
  );
  const trees = new PollTrees(new SqlIndexerStore(sql));
  const before = memory();
  const started = performance.now();
  for (let from = 0; from < BALLOTS; from += 10_000) {
    const batch = [];
    for (let i = from; i < Math.min(BALLOTS, from + 10_000); i++) {
      const voter = `0x${(i + 1).toString(16).padStart(40, "0")}`;
      const choices = syntheticChoices(i);
      batch.push({
        pollId: 1,
        leafIndex: i,
        leaf: ballotLeafNative({ pollId: 1n, voter, choices, revision: 1n }),
        resident: i + 1,
        voter,
        nullifier: null,
        area: null,
        choices,
        time: 1_800_000_000 + Math.floor(i / 3_000),
      });
    }
    await trees.add(batch);
  }
  const loadMs = performance.now() - started;
  const after = memory();
  const poll = trees.get(1)!;
  process.stdout.write(
    JSON.stringify({
      ballots: poll.tree.size,
      root: poll.tree.root(),
      treeBytes: poll.tree.bytes,
      loadMs,
      before,
      after,
    }),
  );
  await sql.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
