/**
 * Costly routes are metered: each voter-key enrolment is a registrar transaction and each re-vote a
 * relayed one, so both are limited per resident and per address, answering RATE_LIMITED with
 * `retryAfterSeconds` and sending nothing past the limit.
 */
import { expect } from "chai";
import { createPoll, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";
import { enrolThroughApi, enrolmentProof, me, nonceOf, signedInResident } from "./residentHelpers";
import type { ErrorBody } from "./residentHelpers";
import { Wallet } from "ethers";

const LIMITS = {
  VOTER_KEY_LIMIT_PER_RESIDENT: "2",
  VOTER_KEY_LIMIT_PER_ADDRESS: "4",
  REVOTE_LIMIT_PER_RESIDENT: "3",
  REVOTE_LIMIT_PER_ADDRESS: "5",
};

describe("api limits on costly routes: enrolments and re-votes", function () {
  this.timeout(180_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: LIMITS });
  });
  after(async () => {
    await stack?.stop();
  });
  /** Counters start empty in each test. */
  beforeEach(async () => {
    await stack.api!.veche.ctx.sql.run("DELETE FROM rate_counters");
  });

  async function enrolAgain(token: string) {
    const key = Wallet.createRandom();
    const { residentHash } = await me(stack, token);
    return http<ErrorBody>(
      stack,
      "POST",
      "/api/me/voter-key",
      await enrolmentProof(stack, residentHash, key, key),
      token,
    );
  }

  it("refuses a resident's enrolment past the limit, sending no transaction", async () => {
    const { token } = await signedInResident(stack);
    await enrolThroughApi(stack, token);
    await enrolThroughApi(stack, token);
    const registrar = stack.chain.keys.registrar.address;
    const nonceBefore = await nonceOf(stack, registrar);
    const refused = await enrolAgain(token);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal("RATE_LIMITED");
    expect(refused.body.error.details?.retryAfterSeconds).to.be.within(1, 3600);
    expect(await nonceOf(stack, registrar)).to.equal(nonceBefore);
    // Another resident is not held back by the first one's limit.
    const other = await signedInResident(stack);
    await enrolThroughApi(stack, other.token);
  });

  it("refuses enrolments from one address past its limit, whoever asks", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { token } = await signedInResident(stack);
      statuses.push((await enrolAgain(token)).status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 200, 429]);
  });

  it("refuses a resident's re-votes past the limit, leaving the outbox as it was", async () => {
    const pollId = await createPoll(stack, { revote: true });
    const { token } = await signedInResident(stack);
    const { key } = await enrolThroughApi(stack, token);
    const post = async (revision: bigint) =>
      http<ErrorBody & { ballotId?: string }>(
        stack,
        "POST",
        "/api/ballots",
        await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n + (revision % 2n), revision }),
      );
    const statuses: number[] = [];
    for (let revision = 1n; revision <= 4n; revision++) statuses.push((await post(revision)).status);
    expect(statuses, "a first ballot and three re-votes").to.deep.equal([202, 202, 202, 202]);
    const outbox = stack.api!.veche.ctx.outbox;
    const total = async () => Object.values(await outbox.countsByStatus()).reduce((a, b) => a + b, 0);
    const before = await total();
    const refused = await post(5n);
    expect(refused.status).to.equal(429);
    expect(refused.body.error.code).to.equal("RATE_LIMITED");
    expect(refused.body.error.details?.retryAfterSeconds).to.be.within(1, 3600);
    expect(await total()).to.equal(before);
  });

  it("refuses re-votes from one address past its limit, whoever signs them", async () => {
    const pollId = await createPoll(stack, { revote: true });
    const voters = [];
    for (let i = 0; i < 3; i++) {
      const { token } = await signedInResident(stack);
      voters.push((await enrolThroughApi(stack, token)).key);
    }
    const statuses: number[] = [];
    for (const revision of [1n, 2n, 3n]) {
      for (const key of voters) {
        const body = await signedBallot(stack, key, {
          pollId: BigInt(pollId),
          choices: 1n + (revision % 2n),
          revision,
        });
        statuses.push((await http(stack, "POST", "/api/ballots", body)).status);
      }
    }
    // Three first ballots are free; of the six re-votes the address may send five.
    expect(statuses).to.deep.equal([202, 202, 202, 202, 202, 202, 202, 202, 429]);
  });
});
