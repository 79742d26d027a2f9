import { z } from "zod";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { ResultsService } from "./service";

const pollId = z.coerce.number().int().min(1).max(0xffffffff);
const pollParams = z.strictObject({ pollId });
const proofParams = z.strictObject({ pollId, leafIndex: z.coerce.number().int().min(0).max(0xffffffff) });
const pageQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(0xffffffff).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex string");
const receiptBody = z.object({
  pollId: z.coerce.number().int().min(1).max(0xffffffff),
  leafIndex: z.coerce.number().int().min(0).max(0xffffffff),
  leaf: hash,
  txHash: hash,
  block: z.coerce.number().int().min(0),
  ballotBox: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address"),
  chainId: z.coerce.number().int().min(1),
  // A receipt may carry the ballot's fields too; they are not needed for the proof.
  voter: z.string().optional(),
  choices: z.union([z.string(), z.number()]).optional(),
  revision: z.union([z.string(), z.number()]).optional(),
});

export function resultRoutes(results: ResultsService): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/polls/:pollId/ballots",
      tag: "results",
      summary:
        "A poll's ballots in leaf order, with transaction, block and whether a later ballot of the same resident replaced it (limit at most 500)",
      access: "public",
      params: pollParams,
      query: pageQuery,
      errors: ["POLL_NOT_FOUND"],
      handler: async ({ params, query }) => ({ body: await results.ballots(params.pollId, query.offset, query.limit) }),
    }),
    route({
      method: "get",
      path: "/api/polls/:pollId/proof/:leafIndex",
      tag: "results",
      summary: "Inclusion proof of one ballot, with the indexer's root and the contract's root at the same block",
      access: "public",
      params: proofParams,
      errors: ["POLL_NOT_FOUND", "BALLOT_NOT_FOUND"],
      handler: async ({ params }) => ({ body: await results.proof(params.pollId, params.leafIndex) }),
    }),
    route({
      method: "get",
      path: "/api/polls/:pollId/timeline",
      tag: "results",
      summary: "Ballots per minute (minutes without ballots are left out)",
      access: "public",
      params: pollParams,
      errors: ["POLL_NOT_FOUND"],
      handler: async ({ params }) => ({ body: await results.timeline(params.pollId) }),
    }),
    route({
      method: "get",
      path: "/api/polls/:pollId/result",
      tag: "results",
      summary: "The indexer's recount and root, with the published final result once finalized",
      access: "public",
      params: pollParams,
      errors: ["POLL_NOT_FOUND"],
      handler: async ({ params }) => ({ body: await results.result(params.pollId) }),
    }),
    route({
      method: "post",
      path: "/api/receipts/verify",
      tag: "results",
      summary:
        "Checks a ballot receipt: its leaf is indexed and proven against the contract's root (and the final root)",
      access: "public",
      body: receiptBody,
      errors: ["POLL_NOT_FOUND"],
      handler: async ({ body }) => ({ body: await results.verifyReceipt(body) }),
    }),
  ];
}
