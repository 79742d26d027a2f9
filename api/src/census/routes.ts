import { pollParams } from "../../wire/common";
import { censusArea, censusAreaParams, censusPlace, censusSummary } from "../../wire/census";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { notFound, unauthorized } from "../errors";
import type { VoterKeyService } from "../keys/service";
import type { CensusService } from "./service";

const CENSUS_ERRORS = ["POLL_NOT_FOUND", "POLL_NOT_SECRET", "CENSUS_NOT_READY", "CENSUS_MISMATCH"];

export function censusRoutes(censuses: CensusService, keys: VoterKeyService): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/polls/:pollId/census",
      tag: "polls",
      summary: "A secret poll's census: its root and, per area, the members and group root",
      access: "public",
      params: pollParams,
      response: censusSummary,
      errors: CENSUS_ERRORS,
      handler: async ({ params }) => {
        const c = await censuses.census(params.pollId);
        const areas = await Promise.all(
          c.areas.map(async (a) => ({
            area: a.area,
            label: await censuses.label(c.areaKind, a.area),
            members: a.commitments.length,
            root: a.root.toString(),
          })),
        );
        return {
          body: {
            pollId: c.pollId,
            root: c.root,
            snapshotBlock: c.snapshotBlock,
            eligible: c.eligible,
            areaKind: c.areaKind,
            areas,
          },
        };
      },
    }),
    route({
      method: "get",
      path: "/api/polls/:pollId/census/areas/:area",
      tag: "polls",
      summary: "One census area: its commitments (to build the group) and its path to the census root",
      access: "public",
      params: censusAreaParams,
      response: censusArea,
      errors: [...CENSUS_ERRORS, "CENSUS_AREA_UNKNOWN"],
      handler: async ({ params }) => {
        const c = await censuses.census(params.pollId);
        const argument = await censuses.areaArgument(params.pollId, params.area);
        const group = c.areas.find((a) => a.area === params.area);
        if (!argument || !group) {
          throw notFound("CENSUS_AREA_UNKNOWN", `area ${params.area} is not in poll ${params.pollId}'s census`);
        }
        return {
          body: {
            area: argument.area,
            label: await censuses.label(c.areaKind, argument.area),
            root: argument.root.toString(),
            members: argument.members,
            index: argument.index,
            siblings: argument.siblings,
            commitments: group.commitments.map(String),
          },
        };
      },
    }),
    route({
      method: "get",
      path: "/api/me/census/:pollId",
      tag: "me",
      summary:
        "Where a secret poll's census counted you: the area and identity commitment of its snapshot (you may have moved or made a new identity since), or counted: false",
      access: "resident",
      params: pollParams,
      response: censusPlace,
      errors: [...CENSUS_ERRORS, "AUTH_REQUIRED", "SESSION_INVALID"],
      // The session already names the resident, and their census entry is public: asking tells the API nothing new.
      handler: async ({ session, params }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        const c = await censuses.census(params.pollId);
        const resident = await keys.residentNumber(session.residentId);
        const member = resident === null ? null : await censuses.member(params.pollId, resident);
        const none = { pollId: params.pollId, counted: false, area: null, label: null, commitment: null };
        if (!member) return { body: none };
        return {
          body: {
            pollId: params.pollId,
            counted: true,
            area: member.area,
            label: await censuses.label(c.areaKind, member.area),
            commitment: member.commitment.toString(),
          },
        };
      },
    }),
  ];
}
