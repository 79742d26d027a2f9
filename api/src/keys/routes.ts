import { enrolBody, enrolment, me } from "../../wire/me";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { unauthorized } from "../errors";
import type { ResidentService } from "../residents/service";
import type { VoterKeyService } from "./service";

export function keyRoutes(residents: ResidentService, keys: VoterKeyService): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/me",
      tag: "me",
      summary: "The signed-in resident: district, building, chain id and voter key",
      access: "resident",
      response: me,
      errors: ["AUTH_REQUIRED", "SESSION_INVALID"],
      handler: async ({ session }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        const resident = await residents.require(session.residentId);
        const [voterKey, number] = await Promise.all([
          keys.current(resident.residentId),
          keys.residentNumber(resident.residentId).catch(() => null),
        ]);
        return {
          body: {
            residentId: resident.residentId,
            district: resident.district,
            building: resident.building,
            residentHash: residents.chainId(resident.residentId),
            resident: number,
            voterKey,
          },
        };
      },
    }),
    route({
      method: "post",
      path: "/api/me/voter-key",
      tag: "me",
      summary: "Enrol a new voter key (signed proof of possession); answers once the registry has it",
      access: "resident",
      body: enrolBody,
      response: enrolment,
      errors: [
        "KEY_PROOF_INVALID",
        "KEY_TAKEN",
        "RATE_LIMITED",
        "CHAIN_UNAVAILABLE",
        "AUTH_REQUIRED",
        "SESSION_INVALID",
      ],
      handler: async ({ session, body, req }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        return { body: await keys.enrol(session.residentId, body, req.ip) };
      },
    }),
  ];
}
