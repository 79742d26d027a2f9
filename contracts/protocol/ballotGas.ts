/**
 * How much gas a castBallot transaction may need: an upper bound from the poll's shape and the
 * ballot's choices, so that a relayer never sends a valid ballot with too little gas. Unused gas is
 * not paid for and blocks are filled by the gas used, so a generous bound costs nothing; a short one
 * loses the ballot. Mirrors the costs of contracts/BallotBox.sol; test/contracts/ballotGas.test.ts
 * checks the bound against the contract over random poll shapes.
 */
import type { Question } from "./choices";
import { totalOptions } from "./choices";

/** Eight 32-bit tallies share one storage word (contracts/libraries/PackedTally.sol). */
const OPTIONS_PER_TALLY_WORD = 8;

export const BALLOT_GAS = {
  /** A one-option ballot opening fresh record, tally and tree slots: signature, eligibility, event. */
  base: 100_000,
  /** A tally word written from zero: a cold load and a new slot. */
  freshWord: 23_500,
  /** A word a re-vote takes counts from, already counted before: a cold load and a rewrite. */
  countedWord: 6_000,
  /** Checking one chosen option and adding it to its lane. */
  chosenOption: 200,
  /** Checking one question's shape. */
  question: 1_000,
  /** A leaf that closes a subtree reads and hashes one frontier slot per level it climbs. */
  treeLevel: 2_600,
  /** A poll holds at most 2^32 ballots, so a leaf climbs at most 32 levels. */
  treeLevels: 32,
} as const;

/** The distinct tally words the set bits of `choices` fall in. */
function tallyWords(choices: bigint): number {
  let words = 0;
  for (let rest = choices; rest !== 0n; rest >>= BigInt(OPTIONS_PER_TALLY_WORD)) {
    if ((rest & 0xffn) !== 0n) words++;
  }
  return words;
}

function popcount(value: bigint): number {
  let count = 0;
  for (let v = value; v !== 0n; v &= v - 1n) count++;
  return count;
}

/**
 * Gas enough for `castBallot` of `choices` in a poll of `questions`, whatever the poll's state: the
 * ballot may be the poll's first, its words may all be fresh, a re-vote may take counts from every
 * other word of the poll, and its leaf may close a subtree at every level (`treeLevels` narrows that
 * when the leaf's index is known).
 */
export function ballotGasLimit(
  questions: readonly Question[],
  revote: boolean,
  choices: bigint,
  treeLevels: number = BALLOT_GAS.treeLevels,
): bigint {
  const g = BALLOT_GAS;
  const words = tallyWords(choices);
  const pollWords = Math.ceil(totalOptions(questions) / OPTIONS_PER_TALLY_WORD);
  const previous = revote
    ? Math.max(0, pollWords - words) * g.countedWord + totalOptions(questions) * g.chosenOption
    : 0;
  const need =
    g.base +
    words * g.freshWord +
    popcount(choices) * g.chosenOption +
    questions.length * g.question +
    previous +
    treeLevels * g.treeLevel;
  // A tenth more for what the model rounds away (memory growth, loop overhead).
  return BigInt(Math.ceil(need * 1.1));
}

/** Enough for any ballot of any poll the contract allows: every option of 256 chosen, re-voting on. */
export const MAX_BALLOT_GAS = ballotGasLimit(
  Array.from({ length: 16 }, () => ({ options: 16, maxChoices: 16 })),
  true,
  (1n << 256n) - 1n,
);

/** What a secret ballot adds to an open one's costs (contracts/BallotBox.sol, castSecretBallot). */
export const SECRET_BALLOT_GAS = {
  /** The Groth16 check through the Semaphore verifier (four pairings) and its calldata. */
  proof: 260_000,
  /** Hashing one level of the area's path to the census root, with its calldata. */
  censusLevel: 1_200,
} as const;

/**
 * Gas enough for `castSecretBallot`: an open ballot's bound for the same shape and choices (the tally
 * and tree work is the same, with the per-area tallies doubling the tally words), plus the proof and
 * the census path. No signature is recovered, which the bound keeps as slack.
 */
export function secretBallotGasLimit(
  questions: readonly Question[],
  revote: boolean,
  choices: bigint,
  censusLevels: number,
): bigint {
  const open = ballotGasLimit(questions, revote, choices);
  const areaTallies = BigInt(tallyWords(choices) * BALLOT_GAS.freshWord * 2);
  return open + areaTallies + BigInt(SECRET_BALLOT_GAS.proof + censusLevels * SECRET_BALLOT_GAS.censusLevel);
}
