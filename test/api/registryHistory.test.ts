/**
 * An index made before the registry's history was kept (registry_events) holds it only from then on;
 * a secret poll's census rebuilt from it would not match the chain. The writer fills it in once.
 */
import { expect } from "chai";
import { openSql } from "../../api/src/store/open";
import type { Sql } from "../../api/src/store/sql";
import { eventually, http, startStack } from "./harness";
import type { Stack } from "./harness";
import type { ErrorBody } from "./residentHelpers";
import { createSecretPoll, secretResident } from "./secretHelpers";

describe("api index: the registry's history of an older index is filled in", function () {
  this.timeout(300_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it("rebuilds the census of a secret poll after the registry's earlier events were missing from the index", async () => {
    for (const [district, building] of [
      [1, "Lenina 1"],
      [1, "Lenina 3"],
      [2, "Mira 5"],
    ] as const) {
      await secretResident(stack, district, building);
    }
    const count = async (sql: Sql) => (await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM registry_events"))!.n;
    // Three enrolments and three identities.
    const kept = await eventually(async () => {
      const n = await count(stack.api!.veche.ctx.sql);
      return n >= 6 ? n : null;
    });

    // What an index made before registry_events looks like: the events before it came are not there.
    await stack.stopApi();
    const sql = openSql(stack.config);
    try {
      await sql.run("DELETE FROM registry_events");
      await sql.run("UPDATE indexer_cursor SET registry_complete = 0");
    } finally {
      await sql.close();
    }
    await stack.startApi();

    const { pollId, census } = await createSecretPoll(stack, { areas: "building" });
    const answer = await http<{ root: string; eligible: number } & ErrorBody>(
      stack,
      "GET",
      `/api/polls/${pollId}/census`,
    );
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect([answer.body.root, answer.body.eligible]).to.deep.equal([census.root, 3]);
    expect(await count(stack.api!.veche.ctx.sql)).to.be.at.least(kept);
  });
});
