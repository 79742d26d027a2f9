/**
 * One test per threat the contract must reject (see the README's trust model). Each asserts the exact custom error
 * and that the poll's tallies, ballot count and root are as they were before the attempt.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, Wallet, verifyTypedData } from "ethers";
import type { HDNodeWallet } from "ethers";
import { castBallot, createPoll, deployVecheFixture, enrolVoter, signBallot } from "../fixtures";
import type { VecheFixture } from "../fixtures";
import { BALLOT_TYPES, ROLES, ballotDomain, ballotMessage } from "../../contracts/protocol";
import type { Ballot, BallotBox } from "../../contracts/protocol";
import { deployVeche } from "../../node/deploy/deployVeche";
import { State, expectUnchanged, pollSnapshot } from "./helpers";

const QUESTIONS = [
  { options: 3, maxChoices: 1 },
  { options: 4, maxChoices: 2 },
];

/** Two open polls (one with re-voting) that already hold a ballot, and a voter in district 1. */
async function threatFixture() {
  const f = await deployVecheFixture();
  const plain = await createPoll(f, { questions: QUESTIONS });
  const revote = await createPoll(f, { questions: QUESTIONS, revote: true });
  const earlier = await enrolVoter(f, 1);
  await castBallot(f, earlier.key, { pollId: plain, choices: 0b0011_001n, revision: 1n });
  await castBallot(f, earlier.key, { pollId: revote, choices: 0b0100_010n, revision: 1n });
  const voter = await enrolVoter(f, 1);
  return { ...f, plain, revote, voter };
}

/** A valid choice: option 0 of the first question, option 1 of the second. */
const VALID = 0b0010_001n;

function relay(f: VecheFixture, signed: Ballot & { signature: string }, box: BallotBox = f.ballotBox) {
  return box.connect(f.relayer).castBallot(signed.pollId, signed.choices, signed.revision, signed.signature);
}

async function sign(f: VecheFixture, key: HDNodeWallet | Wallet, ballot: Ballot) {
  return { ...ballot, signature: await signBallot(f, key, ballot) };
}

/** Sends `attempt`, expects `error(args)` and no change to the poll. */
async function expectRejected(
  box: BallotBox,
  pollId: bigint,
  attempt: () => Promise<unknown>,
  error: string,
  args: unknown[],
): Promise<void> {
  const before = await pollSnapshot(box, pollId);
  await expect(attempt())
    .to.be.revertedWithCustomError(box, error)
    .withArgs(...args);
  await expectUnchanged(box, pollId, before);
}

describe("threats the ballot box rejects", function () {
  describe("forged or altered signatures", function () {
    it("rejects a ballot signed by a key that was never enrolled", async function () {
      const f = await loadFixture(threatFixture);
      const forger = Wallet.createRandom();
      const forged = await sign(f, forger, { pollId: f.plain, choices: VALID, revision: 1n });
      await expectRejected(f.ballotBox, f.plain, () => relay(f, forged), "BallotUnknownVoter", [forger.address]);
    });

    it("rejects malformed signature bytes", async function () {
      const f = await loadFixture(threatFixture);
      const good = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      for (const signature of ["0x", "0x1234", `${good.signature}00`, good.signature.slice(0, 130)]) {
        await expectRejected(
          f.ballotBox,
          f.plain,
          () => relay(f, { ...good, signature }),
          "BallotInvalidSignature",
          [],
        );
      }
    });

    it("rejects the malleable twin of a valid signature", async function () {
      const f = await loadFixture(threatFixture);
      const good = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      const sig = Signature.from(good.signature);
      const order = BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
      const highS = ethers.toBeHex(order - BigInt(sig.s), 32);
      const twin = ethers.concat([sig.r, highS, ethers.toBeHex(sig.v === 27 ? 28 : 27, 1)]);
      await expectRejected(
        f.ballotBox,
        f.plain,
        () => relay(f, { ...good, signature: twin }),
        "BallotInvalidSignature",
        [],
      );
    });

    it("rejects a ballot whose choices the relayer altered", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      const altered = { ...signed, choices: 0b0001_100n };
      const recovered = verifyTypedData(f.domain, BALLOT_TYPES, ballotMessage(altered), signed.signature);
      expect(recovered).not.to.equal(f.voter.key.address);
      await expectRejected(f.ballotBox, f.plain, () => relay(f, altered), "BallotUnknownVoter", [recovered]);
    });
  });

  describe("replays", function () {
    it("rejects a ballot signed for another poll", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      const replayed = { ...signed, pollId: f.revote };
      const recovered = verifyTypedData(f.domain, BALLOT_TYPES, ballotMessage(replayed), signed.signature);
      await expectRejected(f.ballotBox, f.revote, () => relay(f, replayed), "BallotUnknownVoter", [recovered]);
    });

    it("rejects a ballot signed for another chain", async function () {
      const f = await loadFixture(threatFixture);
      const ballot = { pollId: f.plain, choices: VALID, revision: 1n };
      const otherChain = ballotDomain(f.chainId + 1n, f.address);
      const signature = await f.voter.key.signTypedData(otherChain, BALLOT_TYPES, ballotMessage(ballot));
      const recovered = verifyTypedData(f.domain, BALLOT_TYPES, ballotMessage(ballot), signature);
      await expectRejected(f.ballotBox, f.plain, () => relay(f, { ...ballot, signature }), "BallotUnknownVoter", [
        recovered,
      ]);
    });

    it("rejects a ballot signed for another deployment of the ballot box", async function () {
      const f = await loadFixture(threatFixture);
      const other = await deployVeche(f.admin, f.admin.address, {
        pollAdmin: [f.pollAdmin.address],
        registrar: [f.registrar.address],
        relayer: [f.relayer.address],
      });
      // The same resident and key are enrolled in both, and both have a poll 1.
      await (await other.ballotBox.connect(f.registrar).enrol(f.voter.residentId, f.voter.key.address, 1)).wait();
      await createPoll({ ...f, ballotBox: other.ballotBox }, { questions: QUESTIONS });
      const ballot = { pollId: f.plain, choices: VALID, revision: 1n };
      const otherDomain = ballotDomain(f.chainId, other.address);
      const signature = await f.voter.key.signTypedData(otherDomain, BALLOT_TYPES, ballotMessage(ballot));
      await (await other.ballotBox.connect(f.relayer).castBallot(f.plain, VALID, 1n, signature)).wait();

      const recovered = verifyTypedData(f.domain, BALLOT_TYPES, ballotMessage(ballot), signature);
      await expectRejected(f.ballotBox, f.plain, () => relay(f, { ...ballot, signature }), "BallotUnknownVoter", [
        recovered,
      ]);
    });

    it("rejects a second ballot where re-voting is off, even the same one relayed again", async function () {
      const f = await loadFixture(threatFixture);
      const first = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      await (await relay(f, first)).wait();
      const address = f.voter.key.address;
      await expectRejected(f.ballotBox, f.plain, () => relay(f, first), "BallotAlreadyCast", [f.plain, address]);
      const changed = await sign(f, f.voter.key, { pollId: f.plain, choices: 0b0001_010n, revision: 1n });
      await expectRejected(f.ballotBox, f.plain, () => relay(f, changed), "BallotAlreadyCast", [f.plain, address]);
      const higher = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 2n });
      await expectRejected(f.ballotBox, f.plain, () => relay(f, higher), "BallotAlreadyCast", [f.plain, address]);
    });

    it("rejects a second ballot where re-voting is off from the resident's new key", async function () {
      const f = await loadFixture(threatFixture);
      await (await relay(f, await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n }))).wait();
      const newKey = Wallet.createRandom();
      await (await f.ballotBox.connect(f.registrar).enrol(f.voter.residentId, newKey.address, 1)).wait();

      const again = await sign(f, newKey, { pollId: f.plain, choices: 0b0001_010n, revision: 1n });
      await expectRejected(f.ballotBox, f.plain, () => relay(f, again), "BallotAlreadyCast", [f.plain, newKey.address]);
    });

    it("rejects a revision other than 1 where re-voting is off", async function () {
      const f = await loadFixture(threatFixture);
      const address = f.voter.key.address;
      for (const revision of [0n, 2n]) {
        const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision });
        await expectRejected(f.ballotBox, f.plain, () => relay(f, signed), "BallotStaleRevision", [
          f.plain,
          address,
          revision,
          0n,
        ]);
      }
    });

    it("rejects an old ballot replayed over a newer re-vote", async function () {
      const f = await loadFixture(threatFixture);
      const address = f.voter.key.address;
      const old = await sign(f, f.voter.key, { pollId: f.revote, choices: VALID, revision: 1n });
      await (await relay(f, old)).wait();
      await (
        await relay(f, await sign(f, f.voter.key, { pollId: f.revote, choices: 0b1000_100n, revision: 2n }))
      ).wait();

      await expectRejected(f.ballotBox, f.revote, () => relay(f, old), "BallotStaleRevision", [
        f.revote,
        address,
        1n,
        2n,
      ]);
      const same = await sign(f, f.voter.key, { pollId: f.revote, choices: VALID, revision: 2n });
      await expectRejected(f.ballotBox, f.revote, () => relay(f, same), "BallotStaleRevision", [
        f.revote,
        address,
        2n,
        2n,
      ]);
    });

    it("rejects a re-vote revision of 0 or above 65535", async function () {
      const f = await loadFixture(threatFixture);
      const address = f.voter.key.address;
      for (const revision of [0n, 65536n, 2n ** 255n]) {
        const signed = await sign(f, f.voter.key, { pollId: f.revote, choices: VALID, revision });
        await expectRejected(f.ballotBox, f.revote, () => relay(f, signed), "BallotStaleRevision", [
          f.revote,
          address,
          revision,
          0n,
        ]);
      }
      const top = await sign(f, f.voter.key, { pollId: f.revote, choices: VALID, revision: 65535n });
      await (await relay(f, top)).wait();
      expect(await f.ballotBox.ballotOf(f.revote, f.voter.resident)).to.deep.equal([65535n, VALID]);
    });
  });

  describe("the poll's window", function () {
    it("rejects a ballot before the poll starts", async function () {
      const f = await loadFixture(threatFixture);
      const pending = await createPoll(f, { startsIn: 3600, questions: QUESTIONS });
      const signed = await sign(f, f.voter.key, { pollId: pending, choices: VALID, revision: 1n });
      await expectRejected(f.ballotBox, pending, () => relay(f, signed), "PollUnexpectedState", [
        pending,
        State.Pending,
      ]);
    });

    it("rejects a ballot after the poll's end", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      await time.increaseTo((await f.ballotBox.poll(f.plain)).end);
      await expectRejected(f.ballotBox, f.plain, () => relay(f, signed), "PollUnexpectedState", [
        f.plain,
        State.Closed,
      ]);
    });

    it("rejects a ballot after staff closed the poll early", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      await (await f.ballotBox.connect(f.pollAdmin).closePoll(f.plain)).wait();
      await expectRejected(f.ballotBox, f.plain, () => relay(f, signed), "PollUnexpectedState", [
        f.plain,
        State.Closed,
      ]);
    });

    it("rejects a ballot in a cancelled poll", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      await (await f.ballotBox.connect(f.pollAdmin).cancelPoll(f.plain)).wait();
      await expectRejected(f.ballotBox, f.plain, () => relay(f, signed), "PollUnexpectedState", [
        f.plain,
        State.Cancelled,
      ]);
    });

    it("rejects a ballot for a poll that does not exist", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: 9n, choices: VALID, revision: 1n });
      await expect(relay(f, signed)).to.be.revertedWithCustomError(f.ballotBox, "PollUnknown").withArgs(9n);
      expect(await f.ballotBox.pollCount()).to.equal(2n);
    });
  });

  describe("eligibility", function () {
    it("rejects a voter whose district is outside the poll's scope", async function () {
      const f = await loadFixture(threatFixture);
      const scoped = await createPoll(f, { districts: [5, 6], questions: QUESTIONS });
      const inside = await enrolVoter(f, 6);
      await castBallot(f, inside.key, { pollId: scoped, choices: VALID, revision: 1n });
      const signed = await sign(f, f.voter.key, { pollId: scoped, choices: VALID, revision: 1n });
      await expectRejected(f.ballotBox, scoped, () => relay(f, signed), "BallotNotInScope", [
        scoped,
        f.voter.key.address,
        1,
      ]);
    });

    it("rejects a ballot signed by a revoked key", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      await (await f.ballotBox.connect(f.registrar).revoke(f.voter.residentId)).wait();
      await expectRejected(f.ballotBox, f.plain, () => relay(f, signed), "BallotKeyRevoked", [f.voter.key.address]);
    });

    it("rejects a ballot signed by a key the resident replaced", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.revote, choices: VALID, revision: 1n });
      await (await f.ballotBox.connect(f.registrar).enrol(f.voter.residentId, Wallet.createRandom().address, 1)).wait();
      await expectRejected(f.ballotBox, f.revote, () => relay(f, signed), "BallotKeyRevoked", [f.voter.key.address]);
    });
  });

  describe("choices", function () {
    const cases: [string, bigint][] = [
      ["an unknown option (a bit past the last option)", VALID | (1n << 7n)],
      ["a bit far past the last option", VALID | (1n << 255n)],
      ["too many options for a question", 0b0010_011n],
      ["more than maxChoices in a multi-choice question", 0b1110_001n],
      ["no choice at all", 0n],
      ["a question left unanswered", 0b0000_001n],
    ];
    for (const [name, choices] of cases) {
      it(`rejects ${name}`, async function () {
        const f = await loadFixture(threatFixture);
        for (const pollId of [f.plain, f.revote]) {
          const signed = await sign(f, f.voter.key, { pollId, choices, revision: 1n });
          await expectRejected(f.ballotBox, pollId, () => relay(f, signed), "BallotInvalidChoices", [pollId, choices]);
        }
      });
    }
  });

  describe("relayers", function () {
    it("rejects a relayer without the relayer role", async function () {
      const f = await loadFixture(threatFixture);
      const signed = await sign(f, f.voter.key, { pollId: f.plain, choices: VALID, revision: 1n });
      for (const account of [f.stranger, f.registrar]) {
        await expectRejected(
          f.ballotBox,
          f.plain,
          () =>
            f.ballotBox.connect(account).castBallot(signed.pollId, signed.choices, signed.revision, signed.signature),
          "AccessControlUnauthorizedAccount",
          [account.address, ROLES.relayer],
        );
      }
      // The same signed ballot still counts once a real relayer carries it.
      await (await relay(f, signed)).wait();
      expect((await f.ballotBox.poll(f.plain)).ballots).to.equal(2n);
    });
  });
});
