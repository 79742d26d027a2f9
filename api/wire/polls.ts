/** Polls as the API answers them: on-chain shape, text from the chain, turnout. */
import { z } from "zod";
import { hash32, isoTime, pollParams } from "./common";
import { decisionRule, pollContent, pollOutcome, pollState, question } from "./protocol";
import { areaKind } from "./census";

export { pollParams };

export const pollListQuery = z.strictObject({ state: pollState.optional() });

export const pollSummary = z.object({
  pollId: z.number().int(),
  state: pollState,
  start: isoTime,
  end: isoTime.describe("the poll takes ballots while start <= block time < end"),
  cityWide: z.boolean(),
  districts: z.array(z.number().int()),
  revote: z.boolean(),
  points: z.number().int(),
  secret: z.boolean().describe("ballots prove census membership and name no voter; no points"),
  questions: z.array(question),
  content: pollContent.nullable().describe("the poll's text, null if the chain's text does not match its hash"),
  contentHash: hash32,
  finalRoot: hash32.nullable(),
  outcome: pollOutcome.nullable().describe("what the city decided, once staff publish it on-chain"),
  ballots: z.number().int().describe("ballots on the ledger, re-votes included"),
  voters: z.number().int().describe("residents whose ballot counts"),
  eligible: z.object({
    registered: z.number().int().describe("residents of the poll's districts in the register"),
    enrolled: z.number().int().describe("of those, with an active voter key on the chain"),
  }),
});

export const pollList = z.object({ polls: z.array(pollSummary) });

export const areaResult = z.object({
  area: z.number().int().describe("a census area of a secret poll, or a district of an open one"),
  label: z.string(),
  eligible: z.number().int().describe("census members of the area, or the register's residents of the district"),
  voters: z.number().int().describe("residents (or nullifiers) whose ballot counts in the area"),
  tallies: z.array(z.array(z.number().int())).describe("per question, per option"),
  turnout: z.number().describe("voters / eligible, 0 to 1"),
  accepted: z.boolean().nullable().describe("whether the area accepts by the poll's rule; null without one"),
});

export const pollDetail = pollSummary.extend({
  tallies: z.array(z.string()).describe("counted choices per option, in the order of the choice bitmap"),
  ballotRoot: hash32,
  census: z
    .object({ root: hash32, snapshotBlock: z.number().int(), eligible: z.number().int(), areaKind })
    .nullable()
    .describe("a secret poll's census as committed on-chain; null for an open poll"),
  areas: z.array(areaResult),
  rule: decisionRule.nullable().describe("the poll's decision rule, from its content"),
});

export const ballotStatus = z.enum(["accepted", "sent", "mined", "superseded", "failed"]);

export const myPoll = pollSummary.extend({
  myBallot: z
    .object({
      ballotId: hash32,
      revision: z.number().int(),
      status: ballotStatus,
      errorCode: z.string().nullable().describe("why a failed or replaced ballot did not count"),
    })
    .nullable(),
  countedRevision: z.number().int().describe("the revision the chain counts for you; 0 for none"),
  nextRevision: z
    .number()
    .int()
    .nullable()
    .describe("the revision your next ballot must carry; null when the poll takes no more from you"),
});

export const myPollList = z.object({ polls: z.array(myPoll) });

export type PollSummary = z.infer<typeof pollSummary>;
export type PollDetail = z.infer<typeof pollDetail>;
export type BallotStatus = z.infer<typeof ballotStatus>;
export type MyPoll = z.infer<typeof myPoll>;
