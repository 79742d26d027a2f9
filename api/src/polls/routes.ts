import { z } from "zod";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { PollService } from "./service";

const pollParams = z.strictObject({ pollId: z.coerce.number().int().min(1).max(0xffffffff) });
const listQuery = z.strictObject({
  state: z.enum(["Pending", "Active", "Closed", "Cancelled", "Finalized"]).optional(),
});

export function pollRoutes(polls: PollService): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/polls",
      tag: "polls",
      summary: "All polls, newest first, optionally by state, each with its turnout and who may vote",
      access: "public",
      query: listQuery,
      handler: async ({ query }) => ({
        body: { polls: await polls.list(query.state ? { state: query.state } : undefined) },
      }),
    }),
    route({
      method: "get",
      path: "/api/polls/:pollId",
      tag: "polls",
      summary: "One poll with its text, live tallies and current ballot root, read from the chain",
      access: "public",
      params: pollParams,
      errors: ["POLL_NOT_FOUND"],
      handler: async ({ params }) => ({ body: await polls.detail(params.pollId) }),
    }),
  ];
}
