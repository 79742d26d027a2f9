import { expect } from "chai";
import { SqliteSql } from "../../api/src/store/sqlite";
import { createPoll, enrolVoter, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";

/** Tables that grow with every ballot of the day: reading one whole makes each ballot cost more than the last. */
const GROWING = ["ballots", "ballot_events", "indexer_blocks"];

/** Statements allowed to read a growing table whole, and why. */
const WHOLE_READS: { pattern: RegExp; why: string }[] = [
  { pattern: /^SELECT status, COUNT\(\*\) AS c FROM ballots GROUP BY status$/, why: "countsByStatus: tests only" },
  {
    pattern: /^SELECT poll_id, resident, nullifier, MAX\(revision\) AS revision FROM ballot_events GROUP BY/,
    why: "the last revisions, loaded into memory at start and after a reorg",
  },
];

describe("api query plans: the voting path never reads a growing table whole", function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async function () {
    // PostgreSQL plans by statistics, not by the query's text; this guards the embedded SQLite store.
    if (process.env.VECHE_TEST_DB === "postgres") this.skip();
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it("finds its rows through an index in every statement it ran for ballots, re-votes and metrics", async () => {
    const pollId = await createPoll(stack, { revote: true });
    const keys = await Promise.all([enrolVoter(stack), enrolVoter(stack)]);
    const ids: string[] = [];
    for (const [i, key] of keys.entries()) {
      for (const revision of [1n, 2n]) {
        const ballot = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: BigInt(1 + i), revision });
        const posted = await http<{ ballotId: string }>(stack, "POST", "/api/ballots", ballot);
        expect(posted.status, JSON.stringify(posted.body)).to.be.oneOf([200, 202]);
        ids.push(posted.body.ballotId);
      }
    }
    for (const id of ids) {
      await eventually(async () => {
        const got = await http<{ status: string }>(stack, "GET", `/api/ballots/${id}?wait=5`);
        return ["mined", "superseded"].includes(got.body.status) ? true : null;
      });
    }
    // The relayer's checker and the metrics scrape run on their own timers.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await fetch(`${stack.api!.url}/metrics`)).status).to.equal(200);
    expect((await http(stack, "GET", `/api/polls/${pollId}`)).status).to.equal(200);

    const sql = stack.api!.veche.ctx.sql;
    expect(sql).to.be.instanceOf(SqliteSql);
    const sqlite = sql as SqliteSql;
    const statements = sqlite.preparedSql();
    const wholeReads: string[] = [];
    let checked = 0;
    for (const text of statements) {
      const normalized = text.replace(/\s+/g, " ").trim();
      if (!/^(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(normalized)) continue; // migrations
      if (!GROWING.some((t) => new RegExp(`\\b${t}\\b`).test(normalized))) continue;
      if (WHOLE_READS.some((w) => w.pattern.test(normalized))) continue;
      checked++;
      const params = (text.match(/\?/g) ?? []).map(() => null);
      const plan = sqlite.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[];
      for (const { detail } of plan) {
        const table = /^SCAN (\w+)/.exec(detail)?.[1];
        if (table && GROWING.includes(table)) wholeReads.push(`${detail} ← ${normalized}`);
      }
    }
    expect(checked, "statements on growing tables").to.be.greaterThan(10);
    expect(wholeReads, wholeReads.join("\n")).to.deep.equal([]);
  });
});
