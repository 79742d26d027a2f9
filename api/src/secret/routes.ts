import {
  acceptedSecretBallot,
  secretBallotBody,
  secretBallotParams,
  secretBallotState,
} from "../../wire/secretBallots";
import type { SecretBallotState } from "../../wire/secretBallots";
import { ballotQuery } from "../../wire/ballots";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { badRequest } from "../errors";
import type { Deployment } from "../../../contracts/protocol";
import type { OutboxBallot } from "../ballots/store";
import type { MinedNotifier } from "../ballots/notifier";
import type { SecretBallotService } from "./service";

export function secretBallotView(b: OutboxBallot, deployment: Deployment): SecretBallotState {
  const secret = b.secret!;
  const mined = b.status === "mined" && b.leafIndex !== null && b.txHash !== null && b.block !== null;
  return {
    ballotId: b.id,
    status: b.status,
    pollId: b.pollId,
    nullifier: secret.nullifier,
    area: secret.area,
    choices: b.choices.toString(),
    revision: b.revision,
    errorCode: b.errorCode,
    acceptedAt: new Date(b.acceptedAt).toISOString(),
    txHash: b.txHash,
    leaf: b.id,
    leafIndex: b.leafIndex,
    receipt: mined
      ? {
          pollId: b.pollId,
          leafIndex: b.leafIndex!,
          leaf: b.id,
          txHash: b.txHash!,
          block: b.block!,
          ballotBox: deployment.ballotBox,
          chainId: deployment.chainId,
          nullifier: secret.nullifier,
          area: secret.area,
          choices: b.choices.toString(),
          revision: b.revision,
        }
      : null,
  };
}

export function secretBallotRoutes(
  service: SecretBallotService,
  notifier: MinedNotifier,
  deployment: Deployment,
): RouteSpec[] {
  return [
    route({
      method: "post",
      path: "/api/secret-ballots",
      tag: "ballots",
      summary: "Submit a secret ballot with its membership proof, with no session or cookie; 202 once it is durable",
      access: "public",
      body: secretBallotBody,
      response: acceptedSecretBallot,
      success: { status: 202, description: "Accepted: the proof verified and the ballot will be relayed" },
      errors: [
        "SESSION_NOT_ALLOWED",
        "INVALID_REQUEST",
        "BALLOT_INVALID_POLL",
        "BALLOT_INVALID_REVISION",
        "BALLOT_INVALID_CHOICES",
        "POLL_NOT_FOUND",
        "POLL_NOT_SECRET",
        "POLL_NOT_OPEN",
        "CENSUS_AREA_UNKNOWN",
        "CENSUS_ROOT_UNKNOWN",
        "CENSUS_MISMATCH",
        "PROOF_INVALID",
        "BALLOT_ALREADY_CAST",
        "BALLOT_STALE_REVISION",
        "RATE_LIMITED",
        "CHAIN_UNAVAILABLE",
      ],
      handler: async ({ body, req }) => {
        // Anything that could name the sender is refused, so no client links a ballot by mistake.
        if (req.get("authorization") !== undefined || req.get("cookie") !== undefined) {
          throw badRequest(
            "SESSION_NOT_ALLOWED",
            "a secret ballot must be sent without a session token or cookies: the proof is its authorisation",
          );
        }
        const accepted = await service.submit(body, req.ip);
        return { status: accepted.duplicate ? 200 : 202, body: accepted };
      },
    }),
    route({
      method: "get",
      path: "/api/secret-ballots/:ballotId",
      tag: "ballots",
      summary: "A secret ballot's status and, once mined, its receipt; ?wait=N holds the answer up to N s for it",
      access: "public",
      params: secretBallotParams,
      query: ballotQuery,
      response: secretBallotState,
      errors: ["BALLOT_NOT_FOUND"],
      handler: async ({ params, query }) => {
        const id = params.ballotId.toLowerCase();
        const ballot = await service.get(id);
        if (["mined", "failed", "superseded"].includes(ballot.status) || !query.wait) {
          return { body: secretBallotView(ballot, deployment) };
        }
        await notifier.wait(id, query.wait * 1000);
        return { body: secretBallotView(await service.get(id), deployment) };
      },
    }),
  ];
}
