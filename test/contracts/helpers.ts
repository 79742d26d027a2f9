/**
 * Small helpers the contract tests share: raw poll parameters (for the validation cases the fixture's
 * `createPoll` cannot express) and a snapshot of what a rejected ballot must leave unchanged.
 */
import { expect } from "chai";
import { id as hashText } from "ethers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { BallotBox } from "../../contracts/protocol/contract";
import { POLL_STATES } from "../../contracts/protocol/pollState";
import type { PollStateName } from "../../contracts/protocol/pollState";
import type { PollParams } from "../../contracts/protocol/events";

export const WEEK = 7 * 24 * 3600;

/** Poll state numbers, as the contract's enum and `state(pollId)` give them. */
export const State = Object.fromEntries(POLL_STATES.map((name, index) => [name, index])) as Record<
  PollStateName,
  number
>;

/** Parameters of a valid poll open from now for a week, with `overrides` applied. */
export async function pollParams(overrides: Partial<PollParams> = {}): Promise<PollParams> {
  const now = await time.latest();
  return {
    contentHash: hashText("Should Tverskaya get a bus lane?"),
    uri: "ipfs://poll-text",
    start: now,
    end: now + WEEK,
    questions: [{ options: 2, maxChoices: 1 }],
    districts: [],
    revote: false,
    points: 10,
    ...overrides,
  };
}

export interface PollSnapshot {
  tallies: bigint[];
  ballots: bigint;
  root: string;
}

/** What a ballot can change in a poll. */
export async function pollSnapshot(box: BallotBox, pollId: bigint): Promise<PollSnapshot> {
  const [tallies, view, root] = await Promise.all([box.tallies(pollId), box.poll(pollId), box.ballotRoot(pollId)]);
  return { tallies: [...tallies], ballots: view.ballots, root };
}

/** Asserts that the poll is exactly as `before` recorded it. */
export async function expectUnchanged(box: BallotBox, pollId: bigint, before: PollSnapshot): Promise<void> {
  expect(await pollSnapshot(box, pollId)).to.deep.equal(before);
}
