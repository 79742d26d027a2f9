import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { TypedDataEncoder, Wallet, ZeroHash } from "ethers";
import { castBallot, createPoll, deployVecheFixture, enrolVoter, signBallot } from "../fixtures";
import type { VecheFixture } from "../fixtures";
import {
  BALLOT_TYPES,
  PollCount,
  ROLES,
  ballotLeaf,
  buildBallotTree,
  encodeChoices,
  treeRoot,
} from "../../contracts/protocol";
import type { Ballot, Question } from "../../contracts/protocol";
import { State, WEEK, pollParams } from "./helpers";

/** Casts each ballot with a fresh voter and returns the leaves and the recount. */
async function castAll(f: VecheFixture, pollId: bigint, questions: Question[], choicesList: bigint[]) {
  const count = new PollCount(questions.reduce((sum, q) => sum + q.options, 0));
  const leaves: string[] = [];
  for (const choices of choicesList) {
    const voter = await enrolVoter(f);
    const ballot = { pollId, choices, revision: 1n };
    await castBallot(f, voter.key, ballot);
    leaves.push(ballotLeaf({ ...ballot, voter: voter.key.address }));
    count.add({ resident: voter.resident, choices });
  }
  return { leaves, count };
}

describe("BallotBox", function () {
  describe("createPoll", function () {
    it("stores the poll and numbers polls from 1", async function () {
      const f = await loadFixture(deployVecheFixture);
      const params = await pollParams({
        start: (await time.latest()) + 60,
        questions: [
          { options: 3, maxChoices: 1 },
          { options: 5, maxChoices: 3 },
        ],
        districts: [12, 14],
        revote: true,
        points: 25,
      });

      await expect(f.ballotBox.connect(f.pollAdmin).createPoll(params)).to.emit(f.ballotBox, "PollCreated");
      expect(await f.ballotBox.pollCount()).to.equal(1n);
      const view = await f.ballotBox.poll(1);
      expect(view.contentHash).to.equal(params.contentHash);
      expect(view.uri).to.equal(params.uri);
      expect(view.start).to.equal(BigInt(params.start));
      expect(view.end).to.equal(BigInt(params.end));
      expect(view.questions.map((q) => [q.options, q.maxChoices])).to.deep.equal([
        [3n, 1n],
        [5n, 3n],
      ]);
      expect(view.cityWide).to.equal(false);
      expect(view.revote).to.equal(true);
      expect(view.points).to.equal(25n);
      expect(view.ballots).to.equal(0n);
      expect(view.state).to.equal(BigInt(State.Pending));
      expect(view.finalRoot).to.equal(ZeroHash);
      expect(await f.ballotBox.tallies(1)).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]);
      expect(await f.ballotBox.ballotRoot(1)).to.equal(ZeroHash);

      expect(await createPoll(f)).to.equal(2n);
      expect((await f.ballotBox.poll(2)).cityWide).to.equal(true);
    });

    it("rejects a schedule that ends before it starts or has already ended", async function () {
      const f = await loadFixture(deployVecheFixture);
      const admin = f.ballotBox.connect(f.pollAdmin);
      const now = await time.latest();
      const cases = [
        { start: now + 100, end: now + 100 },
        { start: now + 200, end: now + 100 },
        { start: now - 100, end: now },
      ];
      for (const schedule of cases) {
        await expect(admin.createPoll(await pollParams(schedule)))
          .to.be.revertedWithCustomError(f.ballotBox, "PollInvalidSchedule")
          .withArgs(schedule.start, schedule.end);
      }
      expect(await f.ballotBox.pollCount()).to.equal(0n);
    });

    it("rejects questions of impossible shape with the offending index", async function () {
      const f = await loadFixture(deployVecheFixture);
      const admin = f.ballotBox.connect(f.pollAdmin);
      const ok = { options: 3, maxChoices: 1 };
      const cases: [Question[], number][] = [
        [[], 0],
        [Array.from({ length: 17 }, () => ok), 17],
        [[ok, { options: 1, maxChoices: 1 }], 1],
        [[{ options: 4, maxChoices: 0 }], 0],
        [[ok, ok, { options: 3, maxChoices: 4 }], 2],
      ];
      for (const [questions, index] of cases) {
        await expect(admin.createPoll(await pollParams({ questions })))
          .to.be.revertedWithCustomError(f.ballotBox, "PollInvalidQuestions")
          .withArgs(index);
      }
      expect(await f.ballotBox.pollCount()).to.equal(0n);
    });

    it("rejects more options than a ballot record holds: 256, or 240 with re-voting", async function () {
      const f = await loadFixture(deployVecheFixture);
      const admin = f.ballotBox.connect(f.pollAdmin);
      const half = { options: 128, maxChoices: 1 };
      await expect(admin.createPoll(await pollParams({ questions: [half, half, { options: 2, maxChoices: 1 }] })))
        .to.be.revertedWithCustomError(f.ballotBox, "PollTooManyOptions")
        .withArgs(258);
      const revoteTooMany = [
        { options: 200, maxChoices: 1 },
        { options: 41, maxChoices: 1 },
      ];
      await expect(admin.createPoll(await pollParams({ questions: revoteTooMany, revote: true })))
        .to.be.revertedWithCustomError(f.ballotBox, "PollTooManyOptions")
        .withArgs(241);

      await (await admin.createPoll(await pollParams({ questions: [half, half] }))).wait();
      const revoteMost = [
        { options: 200, maxChoices: 1 },
        { options: 40, maxChoices: 1 },
      ];
      await (await admin.createPoll(await pollParams({ questions: revoteMost, revote: true }))).wait();
      expect(await f.ballotBox.pollCount()).to.equal(2n);
    });

    it("lets only the poll admin create polls", async function () {
      const f = await loadFixture(deployVecheFixture);
      await expect(f.ballotBox.connect(f.registrar).createPoll(await pollParams()))
        .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
        .withArgs(f.registrar.address, ROLES.pollAdmin);
    });
  });

  describe("state", function () {
    it("goes from Pending to Active to Closed with the clock", async function () {
      const f = await loadFixture(deployVecheFixture);
      const pollId = await createPoll(f, { startsIn: 100, durationSeconds: 1000 });
      const { start, end } = await f.ballotBox.poll(pollId);

      expect(await f.ballotBox.state(pollId)).to.equal(BigInt(State.Pending));
      await time.increaseTo(start - 1n);
      expect(await f.ballotBox.state(pollId)).to.equal(BigInt(State.Pending));
      await time.increaseTo(start);
      expect(await f.ballotBox.state(pollId)).to.equal(BigInt(State.Active));
      await time.increaseTo(end - 1n);
      expect(await f.ballotBox.state(pollId)).to.equal(BigInt(State.Active));
      await time.increaseTo(end);
      expect(await f.ballotBox.state(pollId)).to.equal(BigInt(State.Closed));
    });

    it("rejects every read of a poll that does not exist", async function () {
      const f = await loadFixture(deployVecheFixture);
      await createPoll(f);
      for (const read of [
        () => f.ballotBox.state(2),
        () => f.ballotBox.poll(2),
        () => f.ballotBox.tallies(2),
        () => f.ballotBox.ballotRoot(2),
        () => f.ballotBox.ballotOf(2, 1),
        () => f.ballotBox.inScope(2, 1),
      ]) {
        await expect(read()).to.be.revertedWithCustomError(f.ballotBox, "PollUnknown").withArgs(2);
      }
      await expect(f.ballotBox.connect(f.pollAdmin).closePoll(0))
        .to.be.revertedWithCustomError(f.ballotBox, "PollUnknown")
        .withArgs(0);
    });
  });

  describe("closePoll, cancelPoll and finalizePoll", function () {
    it("closes an active poll now and refuses to close one that is not active", async function () {
      const f = await loadFixture(deployVecheFixture);
      const admin = f.ballotBox.connect(f.pollAdmin);
      const pending = await createPoll(f, { startsIn: 3600 });
      const active = await createPoll(f);

      await expect(admin.closePoll(pending))
        .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
        .withArgs(pending, State.Pending);
      const closedAt = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(closedAt);
      await expect(admin.closePoll(active)).to.emit(f.ballotBox, "PollClosed").withArgs(active, closedAt);
      expect((await f.ballotBox.poll(active)).end).to.equal(BigInt(closedAt));
      expect(await f.ballotBox.state(active)).to.equal(BigInt(State.Closed));
      await expect(admin.closePoll(active))
        .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
        .withArgs(active, State.Closed);
    });

    it("cancels a poll in any state before it is finalized, once", async function () {
      const f = await loadFixture(deployVecheFixture);
      const admin = f.ballotBox.connect(f.pollAdmin);
      const pending = await createPoll(f, { startsIn: 3600 });
      const active = await createPoll(f);
      const closed = await createPoll(f);
      await (await admin.closePoll(closed)).wait();

      for (const pollId of [pending, active, closed]) {
        await expect(admin.cancelPoll(pollId)).to.emit(f.ballotBox, "PollCancelled").withArgs(pollId);
        expect(await f.ballotBox.state(pollId)).to.equal(BigInt(State.Cancelled));
        await expect(admin.cancelPoll(pollId))
          .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
          .withArgs(pollId, State.Cancelled);
      }
      await expect(admin.finalizePoll(closed))
        .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
        .withArgs(closed, State.Cancelled);
    });

    it("finalizes a closed poll with its ballots, root and tallies, after which nothing changes", async function () {
      const f = await loadFixture(deployVecheFixture);
      const admin = f.ballotBox.connect(f.pollAdmin);
      const questions = [{ options: 3, maxChoices: 1 }];
      const pollId = await createPoll(f, { questions });
      const { leaves } = await castAll(f, pollId, questions, [1n, 4n, 4n]);
      const root = treeRoot(buildBallotTree(leaves));

      await expect(admin.finalizePoll(pollId))
        .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
        .withArgs(pollId, State.Active);
      await (await admin.closePoll(pollId)).wait();
      await expect(admin.finalizePoll(pollId))
        .to.emit(f.ballotBox, "PollFinalized")
        .withArgs(pollId, 3, root, [1n, 0n, 2n]);

      const view = await f.ballotBox.poll(pollId);
      expect(view.state).to.equal(BigInt(State.Finalized));
      expect(view.finalRoot).to.equal(root);
      for (const call of [
        () => admin.finalizePoll(pollId),
        () => admin.cancelPoll(pollId),
        () => admin.closePoll(pollId),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
          .withArgs(pollId, State.Finalized);
      }
      const late = await enrolVoter(f);
      const signature = await signBallot(f, late.key, { pollId, choices: 1n, revision: 1n });
      await expect(f.ballotBox.connect(f.relayer).castBallot(pollId, 1n, 1n, signature))
        .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
        .withArgs(pollId, State.Finalized);
    });

    it("finalizes a poll without ballots with a zero root", async function () {
      const f = await loadFixture(deployVecheFixture);
      const pollId = await createPoll(f, { durationSeconds: 100 });
      await time.increase(100);
      await expect(f.ballotBox.connect(f.pollAdmin).finalizePoll(pollId))
        .to.emit(f.ballotBox, "PollFinalized")
        .withArgs(pollId, 0, ZeroHash, [0n, 0n]);
    });

    it("lets only the poll admin close, cancel and finalize", async function () {
      const f = await loadFixture(deployVecheFixture);
      const pollId = await createPoll(f);
      const box = f.ballotBox.connect(f.relayer);
      for (const call of [() => box.closePoll(pollId), () => box.cancelPoll(pollId), () => box.finalizePoll(pollId)]) {
        await expect(call())
          .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
          .withArgs(f.relayer.address, ROLES.pollAdmin);
      }
      expect(await f.ballotBox.state(pollId)).to.equal(BigInt(State.Active));
    });
  });

  describe("castBallot", function () {
    it("emits every field of the leaf and digests the ballot as EIP-712", async function () {
      const f = await loadFixture(deployVecheFixture);
      const pollId = await createPoll(f);
      await castAll(f, pollId, [{ options: 2, maxChoices: 1 }], [1n]);
      const voter = await enrolVoter(f);
      const ballot: Ballot = { pollId, choices: 2n, revision: 1n };
      const signature = await signBallot(f, voter.key, ballot);

      expect(await f.ballotBox.ballotDigest(pollId, 2n, 1n)).to.equal(
        TypedDataEncoder.hash(f.domain, BALLOT_TYPES, ballot),
      );
      await expect(f.ballotBox.connect(f.relayer).castBallot(pollId, 2n, 1n, signature))
        .to.emit(f.ballotBox, "BallotCast")
        .withArgs(pollId, voter.key.address, voter.resident, 1, 2n, 1n, signature);
      expect(await f.ballotBox.ballotOf(pollId, voter.resident)).to.deep.equal([1n, 0n]);
      expect(await f.ballotBox.ballotOf(pollId, voter.resident + 1)).to.deep.equal([0n, 0n]);
    });

    it("counts multi-question, multi-choice ballots across tally words and keeps the root", async function () {
      const f = await loadFixture(deployVecheFixture);
      const questions = [
        { options: 3, maxChoices: 1 },
        { options: 6, maxChoices: 3 },
        { options: 2, maxChoices: 2 },
      ];
      const pollId = await createPoll(f, { questions });
      const choicesList = [
        encodeChoices(questions, [[0], [0, 5], [1]]),
        encodeChoices(questions, [[2], [1, 2, 3], [0, 1]]),
        encodeChoices(questions, [[2], [5], [0]]),
        encodeChoices(questions, [[1], [0, 1, 5], [1]]),
      ];
      const { leaves, count } = await castAll(f, pollId, questions, choicesList);

      expect(await f.ballotBox.tallies(pollId)).to.deep.equal(count.tallies());
      expect(await f.ballotBox.tallies(pollId)).to.deep.equal([1n, 1n, 2n, 2n, 2n, 1n, 1n, 0n, 3n, 2n, 3n]);
      expect(await f.ballotBox.ballotRoot(pollId)).to.equal(treeRoot(buildBallotTree(leaves)));
      expect((await f.ballotBox.poll(pollId)).ballots).to.equal(4n);
    });

    it("moves a re-voting resident's tallies and appends every revision to the tree", async function () {
      const f = await loadFixture(deployVecheFixture);
      const questions = [
        { options: 4, maxChoices: 2 },
        { options: 2, maxChoices: 1 },
      ];
      const pollId = await createPoll(f, { questions, revote: true });
      const voter = await enrolVoter(f);
      const other = await enrolVoter(f);
      const steps: [typeof voter, bigint, bigint][] = [
        [voter, encodeChoices(questions, [[0, 1], [0]]), 1n],
        [other, encodeChoices(questions, [[1], [1]]), 1n],
        [voter, encodeChoices(questions, [[1, 3], [1]]), 2n],
        [voter, encodeChoices(questions, [[2], [1]]), 7n],
      ];
      const leaves: string[] = [];
      const count = new PollCount(6);
      for (const [who, choices, revision] of steps) {
        await castBallot(f, who.key, { pollId, choices, revision });
        leaves.push(ballotLeaf({ pollId, choices, revision, voter: who.key.address }));
        count.add({ resident: who.resident, choices });
        expect(await f.ballotBox.tallies(pollId)).to.deep.equal(count.tallies());
      }

      expect(await f.ballotBox.tallies(pollId)).to.deep.equal([0n, 1n, 1n, 0n, 0n, 2n]);
      expect(await f.ballotBox.ballotRoot(pollId)).to.equal(treeRoot(buildBallotTree(leaves)));
      expect((await f.ballotBox.poll(pollId)).ballots).to.equal(4n);
      expect(await f.ballotBox.ballotOf(pollId, voter.resident)).to.deep.equal([7n, steps[3]?.[1]]);
      expect(await f.ballotBox.ballotOf(pollId, other.resident)).to.deep.equal([1n, steps[1]?.[1]]);
    });

    it("counts a re-vote signed by the resident's new key against the same resident", async function () {
      const f = await loadFixture(deployVecheFixture);
      const pollId = await createPoll(f, { revote: true });
      const voter = await enrolVoter(f, 1);
      await castBallot(f, voter.key, { pollId, choices: 1n, revision: 1n });
      const newKey = Wallet.createRandom();
      await (await f.ballotBox.connect(f.registrar).enrol(voter.residentId, newKey.address, 1)).wait();

      await castBallot(f, newKey, { pollId, choices: 2n, revision: 2n });
      expect(await f.ballotBox.tallies(pollId)).to.deep.equal([0n, 1n]);
      expect(await f.ballotBox.ballotOf(pollId, voter.resident)).to.deep.equal([2n, 2n]);
    });
  });

  describe("inScope", function () {
    it("admits every district to a city-wide poll and only listed ones to a scoped poll", async function () {
      const f = await loadFixture(deployVecheFixture);
      const cityWide = await createPoll(f);
      const scoped = await createPoll(f, { districts: [3, 5] });
      expect(await f.ballotBox.inScope(cityWide, 0)).to.equal(true);
      expect(await f.ballotBox.inScope(cityWide, 4_000_000)).to.equal(true);
      expect(await f.ballotBox.inScope(scoped, 3)).to.equal(true);
      expect(await f.ballotBox.inScope(scoped, 5)).to.equal(true);
      expect(await f.ballotBox.inScope(scoped, 4)).to.equal(false);
      expect(await f.ballotBox.inScope(scoped, 0)).to.equal(false);
    });

    it("keeps scope after the poll ends", async function () {
      const f = await loadFixture(deployVecheFixture);
      const scoped = await createPoll(f, { districts: [3], durationSeconds: WEEK });
      await time.increase(WEEK);
      expect(await f.ballotBox.inScope(scoped, 3)).to.equal(true);
    });
  });
});
