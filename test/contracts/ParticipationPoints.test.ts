import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroAddress, verifyTypedData } from "ethers";
import { castBallot, createPoll, deployVecheFixture, enrolVoter, signRedemption } from "../fixtures";
import type { VecheFixture } from "../fixtures";
import { BALLOT_BOX_ABI, REDEMPTION_TYPES, ROLES } from "../../contracts/protocol";

/** A resident who earned `points` by voting in one poll worth that many. */
async function residentWithPoints(f: VecheFixture, points: number) {
  const voter = await enrolVoter(f);
  const pollId = await createPoll(f, { points });
  await castBallot(f, voter.key, { pollId, choices: 1n, revision: 1n });
  return voter;
}

async function listReward(f: VecheFixture, cost: bigint, stock: number): Promise<bigint> {
  const rewardId = await f.ballotBox.rewardCount();
  await (await f.ballotBox.connect(f.rewards).listReward(cost, stock, "ipfs://bolshoi-ticket")).wait();
  return rewardId;
}

describe("ParticipationPoints", function () {
  describe("earning", function () {
    it("awards a poll's points for the first ballot only, not for re-votes", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await enrolVoter(f);
      const plain = await createPoll(f, { points: 10 });
      const revote = await createPoll(f, { points: 15, revote: true });
      const unpaid = await createPoll(f, { points: 0 });

      await castBallot(f, voter.key, { pollId: plain, choices: 1n, revision: 1n });
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(10n);
      await castBallot(f, voter.key, { pollId: revote, choices: 1n, revision: 1n });
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(25n);
      await castBallot(f, voter.key, { pollId: revote, choices: 2n, revision: 2n });
      await castBallot(f, voter.key, { pollId: revote, choices: 1n, revision: 3n });
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(25n);
      await castBallot(f, voter.key, { pollId: unpaid, choices: 2n, revision: 1n });
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(25n);
    });

    it("keeps a resident's points across a key change", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await residentWithPoints(f, 40);
      await (await f.ballotBox.connect(f.registrar).enrol(voter.residentId, Wallet.createRandom().address, 2)).wait();
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(40n);
    });

    it("has no function that moves points between residents", function () {
      const names = BALLOT_BOX_ABI.filter((item) => item.type === "function").map((item) => item.name ?? "");
      expect(names).to.include("redeem");
      expect(names.filter((name) => /transfer|approve|allowance|send|move/i.test(name))).to.deep.equal([]);
    });
  });

  describe("listReward and updateReward", function () {
    it("lists rewards numbered from 0 and updates their stock and availability", async function () {
      const f = await loadFixture(deployVecheFixture);
      const box = f.ballotBox.connect(f.rewards);
      await expect(box.listReward(30, 5, "ipfs://museum"))
        .to.emit(f.ballotBox, "RewardListed")
        .withArgs(0, 30, 5, "ipfs://museum");
      await expect(box.listReward(90, 1, "ipfs://theatre"))
        .to.emit(f.ballotBox, "RewardListed")
        .withArgs(1, 90, 1, "ipfs://theatre");
      expect(await f.ballotBox.rewardCount()).to.equal(2n);
      expect(await f.ballotBox.reward(0)).to.deep.equal([30n, 5n, true, "ipfs://museum"]);

      await expect(box.updateReward(0, 7, false))
        .to.emit(f.ballotBox, "RewardUpdated")
        .withArgs(0, 7, false);
      expect(await f.ballotBox.reward(0)).to.deep.equal([30n, 7n, false, "ipfs://museum"]);
    });

    it("rejects a free reward and an unknown reward id", async function () {
      const f = await loadFixture(deployVecheFixture);
      const box = f.ballotBox.connect(f.rewards);
      await expect(box.listReward(0, 5, "ipfs://free")).to.be.revertedWithCustomError(f.ballotBox, "RewardZeroCost");
      await expect(box.updateReward(0, 1, true))
        .to.be.revertedWithCustomError(f.ballotBox, "RewardUnavailable")
        .withArgs(0);
      await expect(f.ballotBox.reward(0)).to.be.revertedWithCustomError(f.ballotBox, "RewardUnavailable").withArgs(0);
      expect(await f.ballotBox.rewardCount()).to.equal(0n);
    });

    it("lets only the rewards staff list and update rewards", async function () {
      const f = await loadFixture(deployVecheFixture);
      const rewardId = await listReward(f, 10n, 1);
      const box = f.ballotBox.connect(f.pollAdmin);
      await expect(box.listReward(10, 1, "ipfs://x"))
        .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
        .withArgs(f.pollAdmin.address, ROLES.rewards);
      await expect(box.updateReward(rewardId, 0, false))
        .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
        .withArgs(f.pollAdmin.address, ROLES.rewards);
    });
  });

  describe("redeem", function () {
    it("debits the cost with the resident's signed consent and moves the nonce on", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await residentWithPoints(f, 50);
      const rewardId = await listReward(f, 20n, 3);
      const signature = await signRedemption(f, voter.key, rewardId, 0n);

      await expect(f.ballotBox.connect(f.rewards).redeem(voter.resident, rewardId, signature))
        .to.emit(f.ballotBox, "PointsRedeemed")
        .withArgs(voter.resident, rewardId, 20, 0);
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(30n);
      expect(await f.ballotBox.redemptionNonce(voter.resident)).to.equal(1n);
      expect((await f.ballotBox.reward(rewardId)).stock).to.equal(2n);

      const second = await signRedemption(f, voter.key, rewardId, 1n);
      await (await f.ballotBox.connect(f.rewards).redeem(voter.resident, rewardId, second)).wait();
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(10n);
    });

    it("rejects a replayed consent: it was signed for the previous nonce", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await residentWithPoints(f, 50);
      const rewardId = await listReward(f, 20n, 3);
      const signature = await signRedemption(f, voter.key, rewardId, 0n);
      await (await f.ballotBox.connect(f.rewards).redeem(voter.resident, rewardId, signature)).wait();

      // Against nonce 1 the old signature recovers some unrelated address.
      const recovered = verifyTypedData(f.domain, REDEMPTION_TYPES, { rewardId, nonce: 1n }, signature);
      await expect(f.ballotBox.connect(f.rewards).redeem(voter.resident, rewardId, signature))
        .to.be.revertedWithCustomError(f.ballotBox, "PointsInvalidConsent")
        .withArgs(recovered);
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(30n);
      expect(await f.ballotBox.redemptionNonce(voter.resident)).to.equal(1n);
    });

    it("rejects consent from another resident, a replaced key or malformed bytes", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await residentWithPoints(f, 50);
      const other = await enrolVoter(f);
      const rewardId = await listReward(f, 20n, 3);
      const box = f.ballotBox.connect(f.rewards);

      await expect(box.redeem(voter.resident, rewardId, await signRedemption(f, other.key, rewardId, 0n)))
        .to.be.revertedWithCustomError(f.ballotBox, "PointsInvalidConsent")
        .withArgs(other.key.address);
      await expect(box.redeem(voter.resident, rewardId, "0x1234"))
        .to.be.revertedWithCustomError(f.ballotBox, "PointsInvalidConsent")
        .withArgs(ZeroAddress);

      await (await f.ballotBox.connect(f.registrar).enrol(voter.residentId, Wallet.createRandom().address, 1)).wait();
      await expect(box.redeem(voter.resident, rewardId, await signRedemption(f, voter.key, rewardId, 0n)))
        .to.be.revertedWithCustomError(f.ballotBox, "PointsInvalidConsent")
        .withArgs(voter.key.address);

      await (await f.ballotBox.connect(f.registrar).revoke(voter.residentId)).wait();
      await expect(box.redeem(voter.resident, rewardId, await signRedemption(f, voter.key, rewardId, 0n)))
        .to.be.revertedWithCustomError(f.ballotBox, "PointsInvalidConsent")
        .withArgs(voter.key.address);

      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(50n);
      expect((await f.ballotBox.reward(rewardId)).stock).to.equal(3n);
    });

    it("rejects a resident whose balance is below the cost", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await residentWithPoints(f, 15);
      const rewardId = await listReward(f, 20n, 3);
      await expect(
        f.ballotBox
          .connect(f.rewards)
          .redeem(voter.resident, rewardId, await signRedemption(f, voter.key, rewardId, 0n)),
      )
        .to.be.revertedWithCustomError(f.ballotBox, "PointsInsufficient")
        .withArgs(voter.resident, 15, 20);
      expect(await f.ballotBox.redemptionNonce(voter.resident)).to.equal(0n);
    });

    it("rejects a reward that is out of stock, withdrawn or unknown", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await residentWithPoints(f, 100);
      const single = await listReward(f, 10n, 1);
      const withdrawn = await listReward(f, 10n, 5);
      await (await f.ballotBox.connect(f.rewards).updateReward(withdrawn, 5, false)).wait();
      const box = f.ballotBox.connect(f.rewards);
      await (await box.redeem(voter.resident, single, await signRedemption(f, voter.key, single, 0n))).wait();

      for (const rewardId of [single, withdrawn, 7n]) {
        await expect(box.redeem(voter.resident, rewardId, await signRedemption(f, voter.key, rewardId, 1n)))
          .to.be.revertedWithCustomError(f.ballotBox, "RewardUnavailable")
          .withArgs(rewardId);
      }
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(90n);
    });

    it("lets only the rewards staff redeem", async function () {
      const f = await loadFixture(deployVecheFixture);
      const voter = await residentWithPoints(f, 50);
      const rewardId = await listReward(f, 20n, 3);
      const signature = await signRedemption(f, voter.key, rewardId, 0n);
      await expect(f.ballotBox.connect(f.relayer).redeem(voter.resident, rewardId, signature))
        .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
        .withArgs(f.relayer.address, ROLES.rewards);
      expect(await f.ballotBox.pointsOf(voter.resident)).to.equal(50n);
    });
  });
});
