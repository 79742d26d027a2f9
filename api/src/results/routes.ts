import { pollParams } from "../../wire/common";
import {
  ballotPage,
  pageQuery,
  pollResult,
  proofAnswer,
  proofParams,
  receiptBody,
  receiptCheck,
  timeline,
} from "../../wire/results";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { ResultsService } from "./service";

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
      response: ballotPage,
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
      response: proofAnswer,
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
      response: timeline,
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
      response: pollResult,
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
      response: receiptCheck,
      errors: ["POLL_NOT_FOUND"],
      handler: async ({ body }) => ({ body: await results.verifyReceipt(body) }),
    }),
  ];
}
