import { acceptedBallot, ballotBody, ballotParams, ballotQuery, ballotState } from "../../wire/ballots";
import type { BallotState } from "../../wire/ballots";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { Deployment, FullReceipt } from "../../../contracts/protocol";
import type { OutboxBallot } from "./store";
import type { BallotService } from "./service";
import type { MinedNotifier } from "./notifier";

/** The receipt of a mined ballot, in the protocol's receipt format (contracts/protocol/receipt). */
function receiptOf(b: OutboxBallot, deployment: Deployment): FullReceipt | null {
  if (b.status !== "mined" || b.leafIndex === null || b.txHash === null || b.block === null) return null;
  return {
    pollId: b.pollId,
    leafIndex: b.leafIndex,
    leaf: b.id,
    txHash: b.txHash,
    block: b.block,
    ballotBox: deployment.ballotBox,
    chainId: deployment.chainId,
    voter: b.voter,
    choices: b.choices.toString(),
    revision: b.revision,
  };
}

export function ballotView(b: OutboxBallot, deployment: Deployment): BallotState {
  return {
    ballotId: b.id,
    status: b.status,
    pollId: b.pollId,
    voter: b.voter,
    choices: b.choices.toString(),
    revision: b.revision,
    errorCode: b.errorCode,
    acceptedAt: new Date(b.acceptedAt).toISOString(),
    receipt: receiptOf(b, deployment),
  };
}

export function ballotRoutes(service: BallotService, notifier: MinedNotifier, deployment: Deployment): RouteSpec[] {
  return [
    route({
      method: "post",
      path: "/api/ballots",
      tag: "ballots",
      summary: "Submit a ballot signed by a voter key; 202 once it is safely in the outbox",
      access: "public",
      body: ballotBody,
      response: acceptedBallot,
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
      response: ballotState,
      errors: ["BALLOT_NOT_FOUND"],
      handler: async ({ params, query }) => {
        const id = params.ballotId.toLowerCase();
        const ballot = await service.get(id);
        if (ballot.status === "mined" || !query.wait || ballot.status === "failed" || ballot.status === "superseded") {
          return { body: ballotView(ballot, deployment) };
        }
        await notifier.wait(id, query.wait * 1000);
        return { body: ballotView(await service.get(id), deployment) };
      },
    }),
  ];
}
