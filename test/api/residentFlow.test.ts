import { expect } from "chai";
import { Wallet } from "ethers";
import { STAFF_TOKEN, createPoll, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";
import {
  PASSWORD,
  enrolThroughApi,
  enrolmentProof,
  me,
  nonceOf,
  redemptionSignature,
  registerResident,
  resyncStaffNonce,
  signedInResident,
} from "./residentHelpers";
import type { ErrorBody, Grant } from "./residentHelpers";

interface MyPoll {
  pollId: number;
  districts: number[];
  cityWide: boolean;
  myBallot: null | { ballotId: string; revision: number; status: string };
}

describe("api resident path: sign-in, enrolment, voting and points", function () {
  this.timeout(180_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "10000" } });
  });
  after(async () => {
    await stack?.stop();
  });

  const registrarAddress = () => stack.chain.keys.registrar.address;
  const rewardsAddress = () => stack.chain.keys.staff.address;
  const withKey = async () =>
    (await http<{ withKey: number }>(stack, "GET", "/api/admin/residents/stats", undefined, STAFF_TOKEN)).body.withKey;
  const myPolls = async (token: string) =>
    (await http<{ polls: MyPoll[] }>(stack, "GET", "/api/me/polls", undefined, token)).body.polls;
  /** Waits until the API's index has the block a transaction was mined in. */
  const indexed = async (txHash: string) => {
    const receipt = await stack.provider.getTransactionReceipt(txHash);
    await eventually(() => Promise.resolve(stack.api!.veche.ctx.follower.height >= receipt!.blockNumber ? true : null));
  };
  /** Lists a reward through the staff key, as the staff CLI does. */
  const listReward = async (cost: number, stock: number) => {
    resyncStaffNonce(stack);
    await (await stack.staff.listReward(cost, stock, "data:text/plain,Bolshoi theatre ticket")).wait();
    return Number(await stack.staff.rewardCount()) - 1;
  };

  it("takes a resident from import to a counted ballot, points and a reward", async () => {
    const district = 3;
    const { residentId, code } = await registerResident(stack, district, "Pokrovka 12");
    const activated = await http<Grant>(stack, "POST", "/api/auth/activate", { residentId, code, password: PASSWORD });
    expect(activated.status).to.equal(200);
    const login = await http<Grant>(stack, "POST", "/api/auth/login", { residentId, password: PASSWORD });
    expect(login.status).to.equal(200);
    const token = login.body.token;

    const before = await me(stack, token);
    expect(before).to.include({ residentId, district, building: "Pokrovka 12", resident: null, voterKey: null });
    expect(before.residentHash).to.match(/^0x[0-9a-f]{64}$/);

    const { key, answer } = await enrolThroughApi(stack, token);
    expect(answer).to.include({ address: key.address, status: "active", revoked: null });
    const [resident, onChainDistrict, active] = await stack.staff.voter(key.address);
    expect([onChainDistrict, active]).to.deep.equal([BigInt(district), true]);
    expect(await stack.staff.residentOf(before.residentHash)).to.equal(resident);
    const after = await me(stack, token);
    expect(after.resident).to.equal(Number(resident));
    expect(after.voterKey).to.include({ address: key.address, status: "active", txHash: answer.txHash });

    const pollId = await createPoll(stack, { districts: [district], points: 10 });
    const elsewhere = await createPoll(stack, { districts: [district + 1] });
    await eventually(async () => ((await myPolls(token)).some((p) => p.pollId === pollId) ? true : null));
    const listed = await myPolls(token);
    expect(listed.map((p) => p.pollId)).to.not.include(elsewhere);
    expect(listed.find((p) => p.pollId === pollId)?.myBallot).to.equal(null);

    const ballot = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n, revision: 1n });
    const posted = await http<{ ballotId: string }>(stack, "POST", "/api/ballots", ballot);
    expect(posted.status).to.equal(202);
    const receipt = await eventually(async () => {
      const got = await http<{ status: string; receipt: { txHash: string } | null }>(
        stack,
        "GET",
        `/api/ballots/${posted.body.ballotId}`,
      );
      return got.body.status === "mined" ? got.body.receipt : null;
    });
    expect(receipt?.txHash).to.match(/^0x[0-9a-f]{64}$/);
    const mine = (await myPolls(token)).find((p) => p.pollId === pollId);
    expect(mine?.myBallot).to.deep.equal({
      ballotId: posted.body.ballotId,
      revision: 1,
      status: "mined",
      errorCode: null,
    });
    // The chain counts it, and a one-vote poll takes nothing more from this resident.
    expect(mine).to.include({ countedRevision: 1, nextRevision: null });

    const points = await http(stack, "GET", "/api/me/points", undefined, token);
    expect(points.body).to.deep.equal({ resident: Number(resident), balance: 10, redemptionNonce: 0 });

    const rewardId = await listReward(6, 3);
    const rewards = await http<{ rewards: { rewardId: number }[] }>(stack, "GET", "/api/rewards");
    expect(rewards.body.rewards).to.deep.include({
      rewardId,
      cost: 6,
      stock: 3,
      active: true,
      uri: "data:text/plain,Bolshoi theatre ticket",
    });
    const signature = await redemptionSignature(stack, key, rewardId, 0);
    const redeemed = await http<{ txHash: string; balance: number }>(
      stack,
      "POST",
      `/api/rewards/${rewardId}/redeem`,
      { signature },
      token,
    );
    expect(redeemed.status).to.equal(200);
    expect(redeemed.body.balance).to.equal(4);
    expect((await stack.provider.getTransactionReceipt(redeemed.body.txHash))?.status).to.equal(1);
    expect(await stack.staff.pointsOf(resident)).to.equal(4n);
    expect((await stack.staff.reward(rewardId)).stock).to.equal(2n);

    // The same consent again is stale: the redemption nonce has moved on.
    const replayed = await http<ErrorBody>(stack, "POST", `/api/rewards/${rewardId}/redeem`, { signature }, token);
    expect(replayed.status).to.equal(400);
    expect(replayed.body.error.code).to.equal("CONSENT_INVALID");
    resyncStaffNonce(stack);
  });

  describe("voter key enrolment", () => {
    /** Posts a proof and checks that nothing reached the chain or the key table. */
    const refused = async (token: string, proof: unknown, status: number, code: string) => {
      const nonce = await nonceOf(stack, registrarAddress());
      const keys = await withKey();
      const res = await http<ErrorBody>(stack, "POST", "/api/me/voter-key", proof, token);
      expect(res.status).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(await nonceOf(stack, registrarAddress())).to.equal(nonce);
      expect(await withKey()).to.equal(keys);
    };

    it("refuses a proof signed by another key", async () => {
      const { token } = await signedInResident(stack);
      const { residentHash } = await me(stack, token);
      const key = Wallet.createRandom();
      await refused(
        token,
        await enrolmentProof(stack, residentHash, key, Wallet.createRandom()),
        400,
        "KEY_PROOF_INVALID",
      );
      expect((await stack.staff.voter(key.address))[0]).to.equal(0n);
      expect((await me(stack, token)).voterKey).to.equal(null);
    });

    it("refuses a proof made for another resident", async () => {
      const { token } = await signedInResident(stack);
      const other = await signedInResident(stack);
      const { residentHash: othersHash } = await me(stack, other.token);
      const key = Wallet.createRandom();
      await refused(token, await enrolmentProof(stack, othersHash, key, key), 400, "KEY_PROOF_INVALID");
    });

    it("refuses a stale or future issuedAt", async () => {
      const { token } = await signedInResident(stack);
      const { residentHash } = await me(stack, token);
      const key = Wallet.createRandom();
      for (const shift of [-11 * 60_000, 11 * 60_000]) {
        const issuedAt = new Date(Date.now() + shift).toISOString();
        await refused(token, await enrolmentProof(stack, residentHash, key, key, issuedAt), 400, "KEY_PROOF_INVALID");
      }
    });

    it("refuses a key another resident already uses", async () => {
      const first = await signedInResident(stack);
      const { key } = await enrolThroughApi(stack, first.token);
      const second = await signedInResident(stack);
      const { residentHash } = await me(stack, second.token);
      const holder = await stack.staff.voter(key.address);
      await refused(second.token, await enrolmentProof(stack, residentHash, key, key), 409, "KEY_TAKEN");
      expect(await stack.staff.voter(key.address)).to.deep.equal(holder);
      expect(await stack.staff.residentOf(residentHash)).to.equal(0n);
    });

    it("gives a key to only one of two residents enrolling it at once", async () => {
      const key = Wallet.createRandom();
      const residents = await Promise.all([signedInResident(stack), signedInResident(stack)]);
      const proofs = await Promise.all(
        residents.map(async (r) => enrolmentProof(stack, (await me(stack, r.token)).residentHash, key, key)),
      );
      const answers = await Promise.all(
        residents.map((r, i) => http<ErrorBody>(stack, "POST", "/api/me/voter-key", proofs[i], r.token)),
      );
      expect(answers.map((a) => a.status).sort()).to.deep.equal([200, 409]);
      expect(answers.find((a) => a.status === 409)?.body.error.code).to.equal("KEY_TAKEN");
    });

    it("enrols several residents at once without nonce collisions", async () => {
      const residents = await Promise.all(Array.from({ length: 4 }, () => signedInResident(stack)));
      const enrolled = await Promise.all(residents.map((r) => enrolThroughApi(stack, r.token)));
      for (const { key } of enrolled) expect((await stack.staff.voter(key.address))[2]).to.equal(true);
    });

    it("revokes the old key when a new one is enrolled; the old key's ballots are refused", async () => {
      const { token } = await signedInResident(stack);
      const first = await enrolThroughApi(stack, token);
      const second = await enrolThroughApi(stack, token);
      expect(second.answer.revoked).to.equal(first.key.address);
      expect((await stack.staff.voter(first.key.address))[2]).to.equal(false);
      expect((await stack.staff.voter(second.key.address))[2]).to.equal(true);
      expect((await me(stack, token)).voterKey?.address).to.equal(second.key.address);
      await indexed(second.answer.txHash);

      const pollId = await createPoll(stack, { districts: [1] });
      await eventually(async () => ((await myPolls(token)).some((p) => p.pollId === pollId) ? true : null));
      const counts = await stack.api!.veche.ctx.outbox.countsByStatus();
      const stale = await signedBallot(stack, first.key, { pollId: BigInt(pollId), choices: 1n, revision: 1n });
      const res = await http<ErrorBody>(stack, "POST", "/api/ballots", stale);
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal("VOTER_KEY_REVOKED");
      expect(await stack.api!.veche.ctx.outbox.countsByStatus()).to.deep.equal(counts);
      expect((await stack.staff.poll(pollId)).ballots).to.equal(0n);

      // The old key cannot come back either: keys are never reused.
      const { residentHash } = await me(stack, token);
      await refused(token, await enrolmentProof(stack, residentHash, first.key, first.key), 409, "KEY_TAKEN");
    });

    it("answers a repeated proof for the active key with the same enrolment", async () => {
      const { token } = await signedInResident(stack);
      const { key, answer } = await enrolThroughApi(stack, token);
      const { residentHash } = await me(stack, token);
      const nonce = await nonceOf(stack, registrarAddress());
      const again = await http(
        stack,
        "POST",
        "/api/me/voter-key",
        await enrolmentProof(stack, residentHash, key, key),
        token,
      );
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal(answer);
      expect(await nonceOf(stack, registrarAddress())).to.equal(nonce);
    });
  });

  describe("redemption", () => {
    /** Posts a redemption and checks that balance, nonce, stock and the rewards wallet are unchanged. */
    const refused = async (
      token: string,
      resident: number | null,
      rewardId: number,
      signature: string,
      status: number,
      code: string,
    ) => {
      const snapshot = async () => ({
        nonce: await nonceOf(stack, rewardsAddress()),
        points: resident === null ? null : await stack.staff.pointsOf(resident),
        redemptionNonce: resident === null ? null : await stack.staff.redemptionNonce(resident),
        rewards: (await http(stack, "GET", "/api/rewards")).body,
      });
      const before = await snapshot();
      const res = await http<ErrorBody>(stack, "POST", `/api/rewards/${rewardId}/redeem`, { signature }, token);
      expect(res.status).to.equal(status);
      expect(res.body.error.code).to.equal(code);
      expect(await snapshot()).to.deep.equal(before);
      return res.body;
    };

    it("refuses a reward that costs more points than the resident has", async () => {
      const { token } = await signedInResident(stack);
      const { key } = await enrolThroughApi(stack, token);
      const resident = (await me(stack, token)).resident!;
      const rewardId = await listReward(1000, 5);
      const body = await refused(
        token,
        resident,
        rewardId,
        await redemptionSignature(stack, key, rewardId, 0),
        409,
        "POINTS_INSUFFICIENT",
      );
      expect(body.error.details).to.deep.equal({ balance: 0, cost: 1000 });
    });

    it("refuses consent signed by a key other than the resident's active key", async () => {
      const { token } = await signedInResident(stack);
      await enrolThroughApi(stack, token);
      const resident = (await me(stack, token)).resident!;
      const rewardId = await listReward(1, 5);
      const signature = await redemptionSignature(stack, Wallet.createRandom(), rewardId, 0);
      await refused(token, resident, rewardId, signature, 400, "CONSENT_INVALID");
    });

    it("refuses a reward that does not exist or is out of stock", async () => {
      const { token } = await signedInResident(stack);
      const { key } = await enrolThroughApi(stack, token);
      const resident = (await me(stack, token)).resident!;
      const empty = await listReward(1, 0);
      await refused(token, resident, empty, await redemptionSignature(stack, key, empty, 0), 409, "REWARD_UNAVAILABLE");
      await refused(
        token,
        resident,
        10_000,
        await redemptionSignature(stack, key, 10_000, 0),
        409,
        "REWARD_UNAVAILABLE",
      );
    });

    it("refuses a resident without a voter key", async () => {
      const { token } = await signedInResident(stack);
      const signature = await redemptionSignature(stack, Wallet.createRandom(), 0, 0);
      await refused(token, null, 0, signature, 409, "NO_VOTER_KEY");
      const points = await http(stack, "GET", "/api/me/points", undefined, token);
      expect(points.body).to.deep.equal({ resident: null, balance: 0, redemptionNonce: 0 });
    });
  });
});
