/** What observers read from the API: ballots, proofs, timeline, recount, receipt checks. */
import { z } from "zod";
import { address, decimal, hash32, pollId, signature65 } from "./common";

export const proofParams = z.strictObject({ pollId, leafIndex: z.coerce.number().int().min(0).max(0xffffffff) });
export const pageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(0xffffffff).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const listedBallot = z.object({
  leafIndex: z.number().int(),
  leaf: hash32,
  voter: z.union([address, z.literal("")]).describe("the voter key; empty for a secret ballot"),
  resident: z.number().int().describe("the resident's number; 0 for a secret ballot"),
  nullifier: decimal.nullable().describe("a secret ballot's nullifier; null for an open one"),
  area: z.number().int().nullable().describe("a secret ballot's census area; null for an open one"),
  choices: z.string(),
  revision: z.number().int(),
  signature: z.union([signature65, z.literal("")]),
  txHash: hash32,
  block: z.number().int(),
  time: z.string().nullable(),
  replaced: z.boolean().describe("a later ballot of the same resident (or nullifier) counts instead"),
});

export const ballotPage = z.object({ total: z.number().int(), ballots: z.array(listedBallot) });

export const ballotProof = z.object({
  leafIndex: z.number().int(),
  ballots: z.number().int().describe("leaves in the tree the proof is for"),
  siblings: z.array(hash32).describe("from the leaf up; levels where the node has no sibling are skipped"),
});

export const proofAnswer = ballotProof.extend({
  leaf: hash32,
  root: hash32.describe("the indexer's root of a tree of `ballots` leaves"),
  block: z.number().int().describe("the block the index had reached"),
  onChainRoot: hash32.nullable().describe("ballotRoot(pollId) at `block`, null if the node no longer has that state"),
  finalRoot: hash32.nullable(),
});

export const timeline = z.object({ buckets: z.array(z.object({ minute: z.string(), ballots: z.number().int() })) });

export const pollResult = z.object({
  pollId: z.number().int(),
  state: z.string(),
  block: z.number().int(),
  tallies: z.array(z.string()),
  ballots: z.number().int(),
  voters: z.number().int(),
  root: hash32,
  finalRoot: hash32.nullable(),
  finalTallies: z.array(z.string()).nullable(),
});

export const receiptBody = z.object({
  pollId: z.coerce.number().int().min(1).max(0xffffffff),
  leafIndex: z.coerce.number().int().min(0).max(0xffffffff),
  leaf: hash32,
  txHash: hash32,
  block: z.coerce.number().int().min(0),
  ballotBox: address,
  chainId: z.coerce.number().int().min(1),
  // A receipt may carry the ballot's fields too; they are not needed for the proof.
  voter: z.string().optional(),
  nullifier: z.string().optional(),
  area: z.union([z.string(), z.number()]).optional(),
  choices: z.union([z.string(), z.number()]).optional(),
  revision: z.union([z.string(), z.number()]).optional(),
});

export const receiptCheck = z.object({
  valid: z.boolean(),
  problems: z.array(z.object({ code: z.string(), message: z.string() })),
  proof: proofAnswer.nullable(),
  includedInOnChainRoot: z.boolean(),
  includedInFinalRoot: z.boolean().nullable(),
});

export type ListedBallot = z.infer<typeof listedBallot>;
export type BallotPage = z.infer<typeof ballotPage>;
export type Timeline = z.infer<typeof timeline>;
export type ProofAnswer = z.infer<typeof proofAnswer>;
export type PollResult = z.infer<typeof pollResult>;
export type ReceiptCheck = z.infer<typeof receiptCheck>;
