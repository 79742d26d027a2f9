import { identityBody, identityStatus } from "../../wire/identity";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { unauthorized } from "../errors";
import type { IdentityService } from "./service";

export function identityRoutes(identities: IdentityService): RouteSpec[] {
  return [
    route({
      method: "post",
      path: "/api/me/identity",
      tag: "me",
      summary: "Publish the resident's identity commitment for secret polls; 202 once the request is durable",
      access: "resident",
      body: identityBody,
      response: identityStatus,
      success: { status: 202, description: "Recorded: the registrar publishes it on-chain" },
      errors: [
        "INVALID_REQUEST",
        "IDENTITY_COMMITMENT_INVALID",
        "IDENTITY_NEEDS_VOTER_KEY",
        "RATE_LIMITED",
        "AUTH_REQUIRED",
        "SESSION_INVALID",
      ],
      handler: async ({ session, body, req }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        const status = await identities.request(session.residentId, body.commitment, req.ip);
        return { status: status.status === "pending" ? 202 : 200, body: status };
      },
    }),
    route({
      method: "get",
      path: "/api/me/identity",
      tag: "me",
      summary: "The resident's identity commitment and whether the registry has it",
      access: "resident",
      response: identityStatus,
      errors: ["AUTH_REQUIRED", "SESSION_INVALID"],
      handler: async ({ session }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        return { body: await identities.status(session.residentId) };
      },
    }),
  ];
}
