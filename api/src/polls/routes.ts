import { pollDetail, pollList, pollListQuery, pollParams } from "../../wire/polls";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import type { PollService } from "./service";

export function pollRoutes(polls: PollService): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/polls",
      tag: "polls",
      summary: "All polls, newest first, optionally by state, each with its turnout and who may vote",
      access: "public",
      query: pollListQuery,
      response: pollList,
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
      response: pollDetail,
      errors: ["POLL_NOT_FOUND"],
      handler: async ({ params }) => ({ body: await polls.detail(params.pollId) }),
    }),
  ];
}
