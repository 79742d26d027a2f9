/**
 * The relayer's gas bound (contracts/protocol/ballotGas.ts) against the contract itself: every ballot
 * sent with exactly the bound as its gas limit must be counted, for the costliest shapes the contract
 * allows and for random ones; and the bound must stay near what a ballot really uses.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ballotGasLimit, encodeChoices, isValidQuestions } from "../../../contracts/protocol";
import type { Question } from "../../../contracts/protocol";
import { createPoll, deployVecheFixture, enrolVoter, signBallot } from "../../fixtures";
import type { VecheFixture } from "../../fixtures";
import type { HDNodeWallet } from "ethers";

const every = (q: Question) => [...Array(q.options).keys()].slice(0, q.maxChoices);
const firstOnly = () => [0];
const lastOnly = (q: Question) => [q.options - 1];
const repeat = (n: number, q: Question) => Array.from({ length: n }, () => q);
/** The levels leaf `index` climbs: one per trailing one bit (contracts/libraries/BallotTree.sol). */
function levelsClimbed(index: bigint): number {
  let levels = 0;
  for (let i = index; (i & 1n) === 1n; i >>= 1n) levels++;
  return levels;
}

/**
 * Casts with the bound as gas limit, narrowed to the levels this leaf really climbs so that the test
 * checks the rest of the bound at its tightest; returns gas used and the bound.
 */
async function castWithBound(
  f: VecheFixture,
  key: HDNodeWallet,
  pollId: bigint,
  questions: Question[],
  revote: boolean,
  choices: bigint,
  revision: bigint,
) {
  const leafIndex = (await f.ballotBox.poll(pollId)).ballots;
  const gasLimit = ballotGasLimit(questions, revote, choices, levelsClimbed(leafIndex));
  const signature = await signBallot(f, key, { pollId, choices, revision });
  const tx = await f.ballotBox.connect(f.relayer).castBallot(pollId, choices, revision, signature, { gasLimit });
  const receipt = await tx.wait();
  expect(receipt?.status, "counted within the bound").to.equal(1);
  return { used: receipt!.gasUsed, gasLimit };
}

describe("ballot gas bound", function () {
  this.timeout(600_000);

  const extremes: [string, Question[], boolean, (q: Question) => number[]][] = [
    ["16 questions × 16 options, pick up to 2", repeat(16, { options: 16, maxChoices: 2 }), false, every],
    ["16 questions × 16 options, all picked", repeat(16, { options: 16, maxChoices: 16 }), false, every],
    ["1 question × 200 options, all picked", [{ options: 200, maxChoices: 200 }], false, every],
    ["1 question × 255 options, all picked", [{ options: 255, maxChoices: 255 }], false, every],
    ["256 options in two questions, all picked", repeat(2, { options: 128, maxChoices: 128 }), false, every],
    ["16 single-choice questions × 15 options", repeat(16, { options: 15, maxChoices: 1 }), false, firstOnly],
    [
      "16 single-choice questions × 16 options, last options",
      repeat(16, { options: 16, maxChoices: 1 }),
      false,
      lastOnly,
    ],
    ["re-vote poll of 240 options, all picked", [{ options: 240, maxChoices: 240 }], true, every],
    ["re-vote poll of 16 × 15 options, all picked", repeat(16, { options: 15, maxChoices: 15 }), true, every],
    ["1 question × 2 options", [{ options: 2, maxChoices: 1 }], false, firstOnly],
  ];

  for (const [label, questions, revote, pick] of extremes) {
    it(`counts the first ballots and re-votes of: ${label}`, async () => {
      const f = await loadFixture(deployVecheFixture);
      const pollId = await createPoll(f, { questions, revote });
      const choices = encodeChoices(questions, questions.map(pick));
      const first = await enrolVoter(f);
      const { used, gasLimit } = await castWithBound(f, first.key, pollId, questions, revote, choices, 1n);
      // The bound is for the worst case, yet stays within half again of a first ballot's real need.
      expect(Number(gasLimit)).to.be.lessThan(Number(used) * 1.5);
      const second = await enrolVoter(f);
      await castWithBound(f, second.key, pollId, questions, revote, choices, 1n);
      if (revote) {
        const one = encodeChoices(questions, questions.map(lastOnly));
        await castWithBound(f, first.key, pollId, questions, revote, one, 2n);
        await castWithBound(f, first.key, pollId, questions, revote, choices, 3n);
      }
    });
  }

  it("counts leaves that close subtrees at every level reached", async () => {
    const f = await loadFixture(deployVecheFixture);
    const questions = [{ options: 2, maxChoices: 1 }];
    const pollId = await createPoll(f, { questions });
    for (let i = 0; i < 130; i++) {
      const { key } = await enrolVoter(f);
      await castWithBound(f, key, pollId, questions, false, 1n + BigInt(i % 2), 1n);
    }
  });

  it("counts random ballots of random poll shapes within the bound", async () => {
    const f = await loadFixture(deployVecheFixture);
    const questionArb = fc
      .integer({ min: 2, max: 40 })
      .chain((options) =>
        fc.record({ options: fc.constant(options), maxChoices: fc.integer({ min: 1, max: options }) }),
      );
    const shapeArb = fc
      .record({ questions: fc.array(questionArb, { minLength: 1, maxLength: 16 }), revote: fc.boolean() })
      .filter((s) => isValidQuestions(s.questions, s.revote));
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.array(fc.nat(), { minLength: 16, maxLength: 16 }), async (shape, seeds) => {
        const pollId = await createPoll(f, shape);
        const picks = (salt: number) =>
          shape.questions.map((q, i) => {
            const n = 1 + ((seeds[i]! + salt) % q.maxChoices);
            return Array.from({ length: n }, (_, k) => (seeds[i]! + salt * 7 + k) % q.options);
          });
        const choices = encodeChoices(shape.questions, picks(0));
        const { key } = await enrolVoter(f);
        await castWithBound(f, key, pollId, shape.questions, shape.revote, choices, 1n);
        if (shape.revote) {
          const other = encodeChoices(shape.questions, picks(1));
          await castWithBound(f, key, pollId, shape.questions, shape.revote, other, 2n);
        }
      }),
      { numRuns: 40 },
    );
  });
});
