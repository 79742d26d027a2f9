import { pollParams } from "../../wire/common";
import { censusArea, censusAreaParams, censusSummary } from "../../wire/census";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { notFound } from "../errors";
import type { CensusService } from "./service";

const CENSUS_ERRORS = ["POLL_NOT_FOUND", "POLL_NOT_SECRET", "CENSUS_NOT_READY", "CENSUS_MISMATCH"];

export function censusRoutes(censuses: CensusService): RouteSpec[] {
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
  ];
}
