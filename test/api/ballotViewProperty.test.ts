/**
 * Property test: random interleavings of ballots, re-votes, stale and repeated ballots, key rotations
 * and revocations, with mining paused between random points so that ballots and key changes share
 * blocks in either order. Afterwards the API's view of every resident in every poll (what the chain
 * counted, the revision their next ballot needs) must equal the chain's, no accepted ballot may be
 * left unsettled, and each resident with an active key must be able to cast the next ballot the API
 * asks for, and have it counted.
 */
import { expect } from "chai";
import fc from "fast-check";
import { Wallet } from "ethers";
import type { HDNodeWallet, NonceManager } from "ethers";
import { encodePollContent } from "../../contracts/protocol";
import { residentHash } from "../../api/src/residents/secrets";
import { eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";
import { PASSWORD, registerResident } from "./residentHelpers";
import type { Grant } from "./residentHelpers";

const PEPPER = "pepper-for-tests-0123456789";
const RESIDENTS = 3;

interface MyPollView {
  pollId: number;
  countedRevision: number;
  nextRevision: number | null;
  myBallot: { status: string; errorCode: string | null } | null;
}

interface Resident {
  residentId: string;
  hash: string;
  token: string;
  key: HDNodeWallet;
  number: number;
  lastBody: unknown;
}

const stepArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("vote" as const),
      resident: fc.nat(RESIDENTS - 1),
      revote: fc.boolean(),
      revision: fc.constantFrom("next", "next", "next", "stale", "repeat"),
      choices: fc.constantFrom(1n, 2n),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("rotate" as const), resident: fc.nat(RESIDENTS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("revoke" as const), resident: fc.nat(RESIDENTS - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("mine" as const) }) },
);
/**
 * Registry changes are sent unmined and with a fixed gas limit: the node estimates against its pending
 * block, where a second revocation before the first is mined would revert and never be sent.
 */
const REGISTRY_GAS = { gasLimit: 300_000 };

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

describe("api view of each resident's ballot follows the chain", function () {
  this.timeout(900_000);
  let stack: Stack;
  before(async () => {
    // Every run signs residents in: more than the default per-address sign-in limit allows.
    stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "10000" } });
    await stack.provider.send("evm_setIntervalMining", [0]);
  });
  after(async () => {
    await stack?.provider.send("evm_setIntervalMining", [1]).catch(() => undefined);
    await stack?.stop();
  });

  /** Mines a block and waits until the API has indexed it. */
  async function mine(): Promise<void> {
    await stack.provider.send("evm_mine", []);
    const head = await stack.provider.getBlockNumber();
    await eventually(() => (stack.api!.veche.ctx.follower.height >= head ? true : null), 20_000, "indexed");
  }

  /** Sends a transaction and mines until it is in a block (a block may be cut before it reaches the pool). */
  async function mined(send: Promise<{ hash: string }>) {
    const tx = await send;
    for (let i = 0; i < 20; i++) {
      await mine();
      const receipt = await stack.provider.getTransactionReceipt(tx.hash);
      if (receipt) return receipt;
    }
    throw new Error(`transaction ${tx.hash} was not mined`);
  }

  async function newPoll(revote: boolean): Promise<number> {
    const text = (s: string) => ({ en: s, ru: s });
    const { uri, contentHash } = encodePollContent({
      title: text(revote ? "Re-vote poll" : "One-vote poll"),
      description: text("Property test."),
      questions: [{ text: text("Yes?"), options: [text("Yes"), text("No")] }],
    });
    const now = (await stack.provider.getBlock("latest"))!.timestamp;
    const receipt = await mined(
      stack.staff.createPoll({
        contentHash,
        uri,
        start: now,
        end: now + 3600,
        questions: [{ options: 2, maxChoices: 1 }],
        districts: [],
        revote,
        points: 1,
      }),
    );
    for (const log of receipt?.logs ?? []) {
      const parsed = stack.staff.interface.parseLog(log);
      if (parsed?.name === "PollCreated") return Number(parsed.args[0]);
    }
    throw new Error("no PollCreated");
  }

  async function newResident(): Promise<Resident> {
    const { residentId, code } = await registerResident(stack, 1);
    const grant = await http<Grant>(stack, "POST", "/api/auth/activate", { residentId, code, password: PASSWORD });
    if (grant.status !== 200) throw new Error(`activation: ${grant.status} ${JSON.stringify(grant.body)}`);
    const hash = residentHash(PEPPER, residentId);
    const key = Wallet.createRandom();
    await mined(stack.registrar.enrol(hash, key.address, 1));
    const number = Number(await stack.staff.residentOf(hash));
    return { residentId, hash, token: grant.body.token, key, number, lastBody: null };
  }

  async function myPolls(r: Resident): Promise<Map<number, MyPollView>> {
    const res = await http<{ polls: MyPollView[] }>(stack, "GET", "/api/me/polls", undefined, r.token);
    if (res.status !== 200) throw new Error(`GET /api/me/polls: ${res.status} ${JSON.stringify(res.body)}`);
    return new Map(res.body.polls.map((p) => [p.pollId, p]));
  }

  async function step(s: Step, residents: Resident[], polls: { one: number; re: number }): Promise<void> {
    if (s.kind === "mine") return mine();
    const r = residents[s.resident]!;
    if (s.kind === "rotate") {
      r.key = Wallet.createRandom();
      await stack.registrar.enrol(r.hash, r.key.address, 1, REGISTRY_GAS);
    } else if (s.kind === "revoke") {
      const [, , active] = await stack.staff.voter(r.key.address);
      if (active) await stack.registrar.revoke(r.hash, REGISTRY_GAS);
    } else {
      const pollId = s.revote ? polls.re : polls.one;
      if (s.revision === "repeat" && r.lastBody) {
        await http(stack, "POST", "/api/ballots", r.lastBody);
        return;
      }
      const next = (await myPolls(r)).get(pollId)?.nextRevision ?? 1;
      const revision = s.revision === "stale" ? Math.max(1, next - 1) : next;
      r.lastBody = await signedBallot(stack, r.key, {
        pollId: BigInt(pollId),
        choices: s.choices,
        revision: BigInt(revision),
      });
      await http(stack, "POST", "/api/ballots", r.lastBody);
    }
  }

  /** Mines until no accepted ballot is waiting or on its way (at least once, for registry changes). */
  async function settle(): Promise<void> {
    const outbox = stack.api!.veche.ctx.outbox;
    await mine();
    for (let i = 0; i < 60; i++) {
      const counts = await outbox.countsByStatus();
      if (counts.accepted === 0 && counts.sent === 0) return;
      await mine();
      await new Promise((r) => setTimeout(r, 400));
    }
    throw new Error(`ballots left unsettled: ${JSON.stringify(await outbox.countsByStatus())}`);
  }

  async function expectViewsEqualChain(residents: Resident[], polls: { one: number; re: number }): Promise<void> {
    for (const r of residents) {
      const view = await myPolls(r);
      for (const [pollId, revote] of [
        [polls.one, false],
        [polls.re, true],
      ] as const) {
        const [counted] = await stack.staff.ballotOf(pollId, r.number);
        const mine = view.get(pollId)!;
        const where = `resident ${r.number}, poll ${pollId}: ${JSON.stringify(mine)}`;
        expect(mine.countedRevision, where).to.equal(Number(counted));
        expect(mine.nextRevision, where).to.equal(revote ? Number(counted) + 1 : counted === 0n ? 1 : null);
      }
    }
  }

  it("ends with the API's and the chain's view of every resident equal, and no one refused a ballot the contract takes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 6, maxLength: 18 }), async (steps) => {
        // A run that failed may have left a nonce taken locally but never sent: read them from the node.
        for (const contract of [stack.staff, stack.registrar]) (contract.runner as NonceManager).reset();
        const polls = { one: await newPoll(false), re: await newPoll(true) };
        const residents: Resident[] = [];
        for (let i = 0; i < RESIDENTS; i++) residents.push(await newResident());
        for (const s of steps) await step(s, residents, polls);
        await settle();
        await expectViewsEqualChain(residents, polls);

        // Everyone whose key is active casts the ballot the API asks for: accepted, then counted.
        for (const r of residents) {
          const [, , active] = await stack.staff.voter(r.key.address);
          if (!active) continue;
          const view = await myPolls(r);
          for (const pollId of [polls.one, polls.re]) {
            const next = view.get(pollId)!.nextRevision;
            if (next === null) continue;
            const body = await signedBallot(stack, r.key, {
              pollId: BigInt(pollId),
              choices: 1n,
              revision: BigInt(next),
            });
            const answer = await http<{ error?: unknown }>(stack, "POST", "/api/ballots", body);
            expect(answer.status, `resident ${r.number} poll ${pollId}: ${JSON.stringify(answer.body)}`).to.equal(202);
          }
        }
        await settle();
        await expectViewsEqualChain(residents, polls);
        for (const r of residents) {
          const [, , active] = await stack.staff.voter(r.key.address);
          if (!active) continue;
          const [counted] = await stack.staff.ballotOf(polls.one, r.number);
          expect(counted, `resident ${r.number} counted in the one-vote poll`).to.equal(1n);
        }
      }),
      { numRuns: 10 },
    );
    // The runs must have reached the cases that matter: ballots that ended without being counted.
    const counts = await stack.api!.veche.ctx.outbox.countsByStatus();
    console.log(`      ballots over the runs: ${JSON.stringify(counts)}`);
    expect(counts.failed + counts.superseded).to.be.greaterThan(0);
  });
});
