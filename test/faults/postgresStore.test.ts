import { expect } from "chai";
import { PostgresSql } from "../../api/src/store/postgres";
import { startPostgres } from "../../scripts/lib/postgresServer";
import type { PostgresServer } from "../../scripts/lib/postgresServer";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The code of a refusal, or "resolved". */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "resolved";
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

// The server cuts every connection when it stops, including one a transaction or a lock holds while
// no statement runs on it. That must end the work with STORE_UNAVAILABLE, not end the process.
describe("postgres store: the server stops while a connection is held between statements", function () {
  this.timeout(120_000);
  let server: PostgresServer;
  let sql: PostgresSql;

  before(async () => {
    server = await startPostgres();
    sql = new PostgresSql(await server.createDatabase("held"), { connectTimeoutMs: 1_000 });
    await sql.run("CREATE TABLE marks (id INTEGER PRIMARY KEY)");
  });
  after(async () => {
    await sql?.close().catch(() => undefined);
    server?.stop();
  });
  afterEach(() => server.resume());

  it("fails a transaction waiting between its statements, and serves again once the server is back", async () => {
    const result = await outcome(
      sql.transaction(async (tx) => {
        await tx.run("INSERT INTO marks (id) VALUES (1)");
        server.pause();
        await pause(300);
        await tx.run("INSERT INTO marks (id) VALUES (2)");
      }),
    );
    expect(result).to.equal("STORE_UNAVAILABLE");
    server.resume();
    // Nothing of the broken transaction was kept.
    expect(await sql.all("SELECT id FROM marks")).to.deep.equal([]);
  });

  it("fails the work under a lock when the server stops, and serves again once it is back", async () => {
    const result = await outcome(
      sql.exclusively("held-lock", async () => {
        server.pause();
        await pause(300);
        await sql.run("INSERT INTO marks (id) VALUES (3)");
      }),
    );
    expect(result).to.equal("STORE_UNAVAILABLE");
    server.resume();
    await sql.exclusively("held-lock", () => sql.run("INSERT INTO marks (id) VALUES (4)"));
    expect(await sql.all("SELECT id FROM marks")).to.deep.equal([{ id: 4 }]);
  });
});
