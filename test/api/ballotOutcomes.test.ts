/**
 * A 202 is a promise: every ballot the API accepts, for every poll shape the contract allows, is
 * counted; and a ballot that ends without being counted (its key replaced before it was mined) says
 * why and leaves the resident free to vote again at once.
 */
import { expect } from "chai";
import { Wallet, id as hashText } from "ethers";
import type { HDNodeWallet } from "ethers";
import { encodeChoices } from "../../contracts/protocol";
import type { Question } from "../../contracts/protocol";
import { createPoll, enrolVoter, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";
import type { OutboxBallot } from "../../api/src/ballots/store";

interface BallotAnswer {
  ballotId: string;
  status: string;
  errorCode: string | null;
  duplicate?: boolean;
  error?: { code: string };
}

const every = (q: Question) => [...Array(q.options).keys()].slice(0, q.maxChoices);
const repeat = (n: number, q: Question) => Array.from({ length: n }, () => q);
/** Ranks a registrar transaction before the relayers' in a block. */
const URGENT = { maxPriorityFeePerGas: 500_000_000_000n, maxFeePerGas: 1_000_000_000_000n };

async function post(stack: Stack, key: HDNodeWallet | Wallet, pollId: number, choices: bigint, revision: bigint) {
  const body = await signedBallot(stack, key, { pollId: BigInt(pollId), choices, revision });
  return http<BallotAnswer>(stack, "POST", "/api/ballots", body);
}

function settled(stack: Stack, ballotId: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const got = await http<BallotAnswer>(stack, "GET", `/api/ballots/${ballotId}?wait=5`);
      return ["mined", "failed", "superseded"].includes(got.body.status) ? got.body : null;
    },
    timeoutMs,
    `ballot ${ballotId} settled`,
  );
}

async function setMining(stack: Stack, on: boolean): Promise<void> {
  await stack.provider.send("evm_setIntervalMining", [on ? 1 : 0]);
}

describe("api: every accepted ballot is counted", function () {
  this.timeout(240_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  const shapes: [string, Question[], boolean][] = [
    ["16 questions × 16 options, pick up to 2", repeat(16, { options: 16, maxChoices: 2 }), false],
    ["1 question × 200 options, all picked", [{ options: 200, maxChoices: 200 }], false],
    ["1 question × 255 options, all picked", [{ options: 255, maxChoices: 255 }], false],
    ["16 single-choice questions × 15 options", repeat(16, { options: 15, maxChoices: 1 }), false],
    ["re-vote poll of 240 options, all picked", [{ options: 240, maxChoices: 240 }], true],
  ];

  it("counts first ballots and re-votes of the costliest poll shapes", async () => {
    const polls = await Promise.all(shapes.map(([, questions, revote]) => createPoll(stack, { questions, revote })));
    const voters = await Promise.all(shapes.flatMap(() => [enrolVoter(stack), enrolVoter(stack)]));
    const accepted: { label: string; ballotId: string }[] = [];
    for (const [i, [label, questions, revote]] of shapes.entries()) {
      const choices = encodeChoices(questions, questions.map(every));
      for (const voter of [voters[2 * i]!, voters[2 * i + 1]!]) {
        const answer = await post(stack, voter, polls[i]!, choices, 1n);
        expect(answer.status, label).to.equal(202);
        accepted.push({ label, ballotId: answer.body.ballotId });
      }
      if (revote) {
        const one = encodeChoices(
          questions,
          questions.map(() => [0]),
        );
        const first = voters[2 * i]!;
        await settled(stack, accepted.at(-2)!.ballotId);
        const answer = await post(stack, first, polls[i]!, one, 2n);
        expect(answer.status, `${label} re-vote`).to.equal(202);
        accepted.push({ label: `${label} re-vote`, ballotId: answer.body.ballotId });
      }
    }
    for (const { label, ballotId } of accepted) {
      const end = await settled(stack, ballotId);
      expect(end.status, `${label}: ${end.errorCode}`).to.equal("mined");
    }
    for (const [i] of shapes.entries()) {
      expect((await stack.staff.poll(polls[i]!)).ballots, shapes[i]![0]).to.equal(shapes[i]![2] ? 3n : 2n);
    }
  });

  it("sends a ballot again with more gas when its transaction ran out", async () => {
    // A relayer whose gas bound is far too small for this poll runs out of gas on the first attempts.
    const questions = repeat(16, { options: 16, maxChoices: 16 });
    const pollId = await createPoll(stack, { questions });
    const voter = await enrolVoter(stack);
    type Gas = (ballot: OutboxBallot) => bigint;
    const relayer = stack.api!.veche.ctx.relayer as unknown as { gasLimit: Gas };
    relayer.gasLimit = (ballot) => 250_000n * BigInt(ballot.gasFactor);
    try {
      const answer = await post(stack, voter, pollId, encodeChoices(questions, questions.map(every)), 1n);
      expect(answer.status).to.equal(202);
      const end = await settled(stack, answer.body.ballotId, 60_000);
      expect(end.status).to.equal("mined");
      expect((await stack.api!.veche.ctx.outbox.get(answer.body.ballotId))?.gasFactor).to.equal(4);
    } finally {
      delete (relayer as Partial<typeof relayer>).gasLimit;
    }
  });

  for (const revote of [false, true]) {
    it(`lets a resident vote again at once when their ballot failed on-chain (${revote ? "re-vote" : "one-vote"} poll)`, async () => {
      const pollId = await createPoll(stack, { revote });
      const residentId = hashText(`resident-${Math.random()}`);
      const oldKey = Wallet.createRandom();
      await (await stack.registrar.enrol(residentId, oldKey.address, 1)).wait();
      if (revote) {
        const first = await post(stack, oldKey, pollId, 1n, 1n);
        expect((await settled(stack, first.body.ballotId)).status).to.equal("mined");
      }
      const revision = revote ? 2n : 1n;
      await setMining(stack, false);
      let failedId: string;
      let newKey: HDNodeWallet;
      try {
        const doomed = await post(stack, oldKey, pollId, 2n, revision);
        expect(doomed.status).to.equal(202);
        failedId = doomed.body.ballotId;
        await eventually(async () =>
          (await stack.api!.veche.ctx.outbox.get(failedId))?.status === "sent" ? true : null,
        );
        // The key is replaced in the same block, ahead of the ballot: the contract refuses the ballot.
        newKey = Wallet.createRandom();
        const rotation = await stack.registrar.enrol(residentId, newKey.address, 1, URGENT);
        await stack.provider.send("evm_mine", []);
        await rotation.wait();
      } finally {
        await setMining(stack, true);
      }
      const failed = await settled(stack, failedId);
      expect(failed.status).to.equal("failed");
      expect(failed.errorCode).to.equal("VOTER_KEY_REVOKED");

      const again = await post(stack, newKey, pollId, 2n, revision);
      expect(again.status, JSON.stringify(again.body)).to.equal(202);
      expect((await settled(stack, again.body.ballotId)).status).to.equal("mined");
      const resident = await stack.staff.residentOf(residentId);
      const [counted] = await stack.staff.ballotOf(pollId, resident);
      expect(counted).to.equal(revision);
    });
  }
});
