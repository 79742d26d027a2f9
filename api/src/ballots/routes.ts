import { z } from "zod";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { OutboxBallot } from "./store";
import type { BallotService } from "./service";
import type { MinedNotifier } from "./notifier";

const uint = z
  .union([z.string().regex(/^(0x[0-9a-fA-F]{1,64}|[0-9]{1,78})$/), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));

export const ballotBody = z.strictObject({
  pollId: uint.describe("Poll id"),
  choices: uint.describe("Choice bitmap: question q owns the next `options` bits"),
  revision: uint.describe("1 for a first ballot; higher for each re-vote"),
  signature: z.string().max(200).describe("EIP-712 signature by the voter key, 0x + 130 hex"),
});

const ballotParams = z.strictObject({ ballotId: z.string().max(80) });
const ballotQuery = z.strictObject({
  wait: z.coerce.number().int().min(0).max(30).optional().describe("Seconds to wait for the receipt before answering"),
});

export function ballotView(b: OutboxBallot) {
  return {
    ballotId: b.id,
    status: b.status,
    pollId: b.pollId,
    voter: b.voter,
    choices: b.choices.toString(),
    revision: b.revision,
    errorCode: b.errorCode,
    acceptedAt: new Date(b.acceptedAt).toISOString(),
    receipt:
      b.status === "mined"
        ? { pollId: b.pollId, leafIndex: b.leafIndex, leaf: b.id, txHash: b.txHash, block: b.block }
        : null,
  };
}

export function ballotRoutes(service: BallotService, notifier: MinedNotifier): RouteSpec[] {
  return [
    route({
      method: "post",
      path: "/api/ballots",
      tag: "ballots",
      summary: "Submit a ballot signed by a voter key; 202 once it is safely in the outbox",
      access: "public",
      body: ballotBody,
      success: { status: 202, description: "Accepted: the ballot will be sent as its own transaction" },
      errors: [
        "INVALID_REQUEST",
        "BALLOT_INVALID_SIGNATURE",
        "BALLOT_INVALID_POLL",
        "BALLOT_INVALID_REVISION",
        "BALLOT_INVALID_CHOICES",
        "POLL_NOT_FOUND",
        "POLL_NOT_ACTIVE",
        "VOTER_NOT_ENROLLED",
        "VOTER_KEY_REVOKED",
        "VOTER_NOT_IN_SCOPE",
        "BALLOT_ALREADY_CAST",
        "BALLOT_STALE_REVISION",
        "RATE_LIMITED",
      ],
      handler: async ({ body, req }) => {
        const accepted = await service.submit(body, req.ip);
        return { status: accepted.duplicate ? 200 : 202, body: accepted };
      },
    }),
    route({
      method: "get",
      path: "/api/ballots/:ballotId",
      tag: "ballots",
      summary: "A ballot's status and, once mined, its receipt; ?wait=N holds the answer up to N s for it",
      access: "public",
      params: ballotParams,
      query: ballotQuery,
      errors: ["BALLOT_NOT_FOUND"],
      handler: async ({ params, query }) => {
        const id = params.ballotId.toLowerCase();
        const ballot = await service.get(id);
        if (ballot.status === "mined" || !query.wait || ballot.status === "failed" || ballot.status === "superseded") {
          return { body: ballotView(ballot) };
        }
        await notifier.wait(id, query.wait * 1000);
        return { body: ballotView(await service.get(id)) };
      },
    }),
  ];
}
