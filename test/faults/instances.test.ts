/**
 * Several API instances on one PostgreSQL: load spread across three, one killed mid-load and never
 * restarted; then PostgreSQL itself stopped for 10 s mid-load. Real processes, a real chain, a real
 * database server.
 */
import { expect } from "chai";
import type { HDNodeWallet } from "ethers";
import {
  STAFF_TOKEN,
  createPoll,
  enrolVoter,
  eventually,
  signedBallot,
  startStack,
  testPostgres,
} from "../api/harness";
import type { Stack } from "../api/harness";
import { PASSWORD, newResidentId } from "../api/residentHelpers";
import { countedLeaves } from "./countedLeaves";
import { call, liveLeases, spawnInstances, unminedOf } from "./instanceClients";
import type { Instance } from "./instanceClients";

type Body = Awaited<ReturnType<typeof signedBallot>>;
interface BallotAnswer {
  ballotId: string;
  status: string;
  duplicate?: boolean;
  error?: { code: string };
}

const LEASE_SECONDS = 3;

async function ballotsFor(stack: Stack, polls: number, voters: number): Promise<Body[]> {
  const [pollIds, keys] = await Promise.all([
    Promise.all(Array.from({ length: polls }, () => createPoll(stack))),
    Promise.all(Array.from({ length: voters }, () => enrolVoter(stack))),
  ]);
  return Promise.all(
    pollIds.flatMap((p) =>
      keys.map((k: HDNodeWallet) => signedBallot(stack, k, { pollId: BigInt(p), choices: 1n, revision: 1n })),
    ),
  );
}

/** Waits until every ballot is mined, as any live instance reports it. */
async function allMined(url: string, ids: Iterable<string>): Promise<void> {
  for (const id of ids) {
    await eventually(
      async () => ((await call<BallotAnswer>(url, "GET", `/api/ballots/${id}`))?.body.status === "mined" ? true : null),
      90_000,
      `ballot ${id} mined`,
    );
  }
}

async function expectCountedOnce(stack: Stack, accepted: Iterable<string>): Promise<number> {
  const counted = await countedLeaves(stack);
  for (const id of accepted) expect(counted.get(id), `ballot ${id}`).to.equal(1);
  for (const [leaf, n] of counted) expect(n, `leaf ${leaf} counted once`).to.equal(1);
  return counted.size;
}

describe("three API instances on one PostgreSQL", function () {
  this.timeout(480_000);
  let stack: Stack;
  let instances: Instance[] = [];
  before(async () => {
    await testPostgres();
  });
  beforeEach(async () => {
    stack = await startStack({ withApi: false, engine: "postgres" });
  });
  afterEach(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
    await stack?.stop();
  });

  it("keeps every accepted ballot, lockouts and limits when one instance is killed mid-load", async () => {
    const bodies = await ballotsFor(stack, 10, 16);
    instances = await spawnInstances(stack, 3, {
      LEASE_SECONDS: String(LEASE_SECONDS),
      AUTH_RATE_LIMIT_PER_MINUTE: "10",
      REVOTE_LIMIT_PER_RESIDENT: "2",
    });
    const [a, b, c] = instances as [Instance, Instance, Instance];
    // The accounts are shared out: no instance holds them all, and none is held twice.
    const shared = await eventually(async () => {
      const leases = await liveLeases(stack);
      const holders = [...leases].filter(([n]) => n.startsWith("relayer:")).map(([, h]) => h);
      return holders.length === 8 && new Set(holders).size === 3 ? leases : null;
    });
    const writer = instances.find((i) => i.id === shared.get("indexer"))!;
    const victim = writer;
    const survivors = instances.filter((i) => i !== victim);

    // Sign-in failures counted across all three: the fifth locks the id everywhere.
    const residentId = newResidentId();
    const imported = await call<{ created: { activationCode: string }[] }>(
      a.url,
      "POST",
      "/api/admin/residents",
      { residents: [{ residentId, district: 1, building: "Nevsky 1" }] },
      { authorization: `Bearer ${STAFF_TOKEN}` },
    );
    const code = imported!.body.created[0]!.activationCode;
    expect(
      (await call(b.url, "POST", "/api/auth/activate", { residentId, code, password: PASSWORD }))?.status,
    ).to.equal(200);
    const failures: string[] = [];
    for (const [i, target] of [a, b, c, a, b].entries()) {
      const res = await call<BallotAnswer>(target.url, "POST", "/api/auth/login", {
        residentId,
        password: `wrong ${i}`,
      });
      failures.push(res!.body.error!.code);
    }
    expect(failures).to.deep.equal(["LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED", "ACCOUNT_LOCKED"]);

    // Load spread across the three; the indexer's writer is killed two thirds in, with mining held so
    // that it dies with ballots sent and not yet mined. Clients retry on the next instance.
    const accepted = new Set<string>();
    const acceptedBy = new Map<string, Instance>();
    let retriedDuplicates = 0;
    let next = 0;
    let done = 0;
    let killedAt = 0;
    let unminedAtKill = 0;
    const alive = () => instances.filter((i) => i !== victim || killedAt === 0);
    const send = async (body: Body) => {
      for (let attempt = 0; ; attempt++) {
        const pool = alive();
        const target = pool[(next++ + attempt) % pool.length]!;
        const res = await call<BallotAnswer>(target.url, "POST", "/api/ballots", body);
        // 200 with duplicate: true answers a ballot another request (to any instance) had accepted.
        if (res?.status === 202 || res?.status === 200) {
          accepted.add(res.body.ballotId);
          if (!acceptedBy.has(res.body.ballotId)) acceptedBy.set(res.body.ballotId, target);
          if (res.status === 200) retriedDuplicates++;
          return;
        }
        if (res && res.status !== 503) throw new Error(`ballot refused: ${res.status} ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const queue = [...bodies];
    const worker = async () => {
      for (let body = queue.shift(); body; body = queue.shift()) {
        await send(body);
        done++;
        if (done === Math.floor(bodies.length / 3)) await stack.provider.send("evm_setIntervalMining", [0]);
        if (done === Math.floor((2 * bodies.length) / 3) && killedAt === 0) {
          unminedAtKill = await unminedOf(stack, victim.id);
          killedAt = Date.now();
          await victim.kill();
          await stack.provider.send("evm_setIntervalMining", [1]);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: 12 }, worker));
    } finally {
      await stack.provider.send("evm_setIntervalMining", [1]);
    }
    expect(killedAt).to.be.greaterThan(0);
    expect(unminedAtKill, "the killed instance had ballots sent and not mined").to.be.greaterThan(0);
    expect(accepted.size).to.equal(bodies.length);

    // The dead instance's leases pass to the others: the indexer and every relayer account.
    await eventually(
      async () => {
        const leases = await liveLeases(stack);
        const relayers = [...leases].filter(([n]) => n.startsWith("relayer:"));
        const live = new Set(survivors.map((s) => s.id));
        return relayers.length === 8 && relayers.every(([, h]) => live.has(h)) && live.has(leases.get("indexer") ?? "")
          ? true
          : null;
      },
      30_000,
      "leases taken over",
    );
    const failoverSeconds = (Date.now() - killedAt) / 1000;

    // A client that had its answer from the dead instance, or any other, and asks again gets the same
    // ballot back as a duplicate.
    const fromVictim = [...acceptedBy].filter(([, i]) => i === victim).map(([id]) => id);
    expect(fromVictim.length).to.be.greaterThan(0);
    const byLeaf = new Map<string, Body>();
    await Promise.all(
      bodies.map(async (body) => {
        const res = await call<BallotAnswer>(survivors[0]!.url, "POST", "/api/ballots", body);
        expect(res?.status).to.equal(200);
        expect(res?.body.duplicate, "a retried ballot is the same ballot").to.equal(true);
        byLeaf.set(res!.body.ballotId, body);
      }),
    );
    expect([...byLeaf.keys()].sort()).to.deep.equal([...accepted].sort());

    await allMined(survivors[0]!.url, accepted);
    const onChain = await expectCountedOnce(stack, accepted);

    // Lockout held after the kill, on both survivors, right password included.
    for (const s of survivors) {
      const res = await call<BallotAnswer>(s.url, "POST", "/api/auth/login", { residentId, password: PASSWORD });
      expect(res?.body.error?.code).to.equal("ACCOUNT_LOCKED");
    }
    // The per-address sign-in limit counts requests to every instance.
    const address = { "x-forwarded-for": "203.0.113.7" };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const s = survivors[i % 2]!;
      statuses.push(
        (await call(s.url, "POST", "/api/auth/login", { residentId: newResidentId(), password: PASSWORD }, address))!
          .status,
      );
    }
    expect(statuses).to.deep.equal([...Array.from({ length: 10 }, () => 401), 429]);
    // So does the re-vote limit: a first ballot and two re-votes, then RATE_LIMITED, across instances.
    const pollId = await createPoll(stack, { revote: true });
    const voter = await enrolVoter(stack);
    const revotes: (string | number)[] = [];
    for (let revision = 1n; revision <= 4n; revision++) {
      const s = survivors[Number(revision) % 2]!;
      const body = await signedBallot(stack, voter, {
        pollId: BigInt(pollId),
        choices: 1n + (revision % 2n),
        revision,
      });
      const res = await eventually(async () => {
        const r = await call<BallotAnswer>(s.url, "POST", "/api/ballots", body);
        return r?.body.error?.code === "POLL_NOT_FOUND" || r?.body.error?.code === "VOTER_NOT_ENROLLED" ? null : r;
      });
      revotes.push(res.status === 202 ? 202 : res.body.error!.code);
    }
    expect(revotes).to.deep.equal([202, 202, 202, "RATE_LIMITED"]);

    console.log(
      `      ${accepted.size} accepted (${fromVictim.length} by the killed instance, ${retriedDuplicates} retries answered as duplicates; ${unminedAtKill} sent from its accounts and unmined at the kill), ${onChain} on-chain once each; ` +
        `indexer and relayer accounts taken over ${failoverSeconds.toFixed(1)} s after the kill (leases of ${LEASE_SECONDS} s)`,
    );
  });

  it("answers STORE_UNAVAILABLE while PostgreSQL is stopped for 10 s and resumes by itself", async () => {
    const server = await testPostgres();
    const bodies = await ballotsFor(stack, 8, 12);
    instances = await spawnInstances(stack, 2, { LEASE_SECONDS: String(LEASE_SECONDS) });
    const accepted = new Set<string>();
    const outage = { from: 0, to: 0 };
    const refusals = new Map<string, number>();
    let transportFailures = 0;
    let readyDuringOutage: { status: number; store?: boolean } | null = null;
    let next = 0;
    const send = async (body: Body) => {
      for (;;) {
        const target = instances[next++ % instances.length]!;
        const res = await call<BallotAnswer>(target.url, "POST", "/api/ballots", body);
        if (res?.status === 202 || res?.status === 200) {
          accepted.add(res.body.ballotId);
          return;
        }
        if (res)
          refusals.set(
            `${res.status} ${res.body.error?.code}`,
            (refusals.get(`${res.status} ${res.body.error?.code}`) ?? 0) + 1,
          );
        // A connection that broke is retried like a refusal; it is no answer of the API's, but must stay rare.
        else transportFailures++;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const queue = [...bodies];
    let done = 0;
    const worker = async () => {
      for (let body = queue.shift(); body; body = queue.shift()) {
        await send(body);
        await new Promise((r) => setTimeout(r, 100));
        if (++done === Math.floor(bodies.length / 4) && outage.from === 0) {
          outage.from = Date.now();
          server.pause();
          // A kept-alive connection can break under the request (no answer at all): ask again.
          const ready = await eventually(
            () => call<{ checks: { store: boolean } }>(instances[0]!.url, "GET", "/readyz"),
            5_000,
            "an answer from /readyz",
          );
          readyDuringOutage = { status: ready.status, store: ready.body.checks.store };
          await new Promise((r) => setTimeout(r, 10_000));
          server.resume();
          outage.to = Date.now();
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(outage.to).to.be.greaterThan(0);
    expect(readyDuringOutage).to.deep.equal({ status: 503, store: false });
    // Every refusal in the outage was the same stable 503; nothing else, no 500.
    expect([...refusals.keys()]).to.deep.equal(["503 STORE_UNAVAILABLE"]);
    expect(transportFailures, "requests whose connection broke").to.be.at.most(2);
    expect(accepted.size).to.equal(bodies.length);
    await allMined(instances[1]!.url, accepted);
    await expectCountedOnce(stack, accepted);
    for (const i of instances) {
      const ready = await eventually(async () => ((await call(i.url, "GET", "/readyz"))?.status === 200 ? true : null));
      expect(ready).to.equal(true);
    }
    console.log(
      `      ${accepted.size} accepted, ${refusals.get("503 STORE_UNAVAILABLE")} answers of 503 STORE_UNAVAILABLE during a ${((outage.to - outage.from) / 1000).toFixed(1)} s outage (${transportFailures} broken connections); all on-chain once`,
    );
  });
});
