/** The signed-in resident's polls: those whose scope includes their district, with their ballot's status. */
import { myPollList } from "../../wire/polls";
import { route } from "../http/route";
import type { RouteSpec } from "../http/route";
import { unauthorized } from "../errors";
import type { OutboxStore } from "../ballots/store";
import type { ChainState } from "../indexer/chainState";
import type { ResidentService } from "../residents/service";
import type { VoterKeyService } from "../keys/service";
import type { PollService } from "./service";

export interface MyPollsDeps {
  polls: PollService;
  residents: ResidentService;
  keys: VoterKeyService;
  outbox: OutboxStore;
  state: ChainState;
}

/**
 * The revision the resident's next ballot in a poll must carry, from what the chain counted and what
 * waits in the outbox (a failed or replaced ballot holds nothing); null when the poll takes no more.
 */
export function nextRevision(revote: boolean, counted: number, pending: number): number | null {
  const last = Math.max(counted, pending);
  if (revote) return last + 1;
  return last === 0 ? 1 : null;
}

export function myPollRoutes(deps: MyPollsDeps): RouteSpec[] {
  return [
    route({
      method: "get",
      path: "/api/me/polls",
      tag: "me",
      summary:
        "Polls open to your district, newest first, each with your latest ballot's status (and why it failed, if it did), the revision the chain counted and the revision your next ballot must carry",
      access: "resident",
      response: myPollList,
      errors: ["AUTH_REQUIRED", "SESSION_INVALID"],
      handler: async ({ session }) => {
        if (!session) throw unauthorized("AUTH_REQUIRED", "sign in first");
        const resident = await deps.residents.require(session.residentId);
        const polls = await deps.polls.list({ district: resident.district });
        const number = await deps.keys.residentNumber(resident.residentId).catch(() => null);
        const mine =
          number === null
            ? new Map<number, never>()
            : await deps.outbox.myBallots(
                polls.map((p) => p.pollId),
                number,
              );
        const pending =
          number === null
            ? new Map<number, number>()
            : await deps.outbox.pendingRevisions(
                polls.map((p) => p.pollId),
                number,
              );
        return {
          body: {
            polls: polls.map((p) => {
              const b = mine.get(p.pollId);
              const counted = number === null ? 0 : deps.state.lastRevision(p.pollId, number);
              return {
                ...p,
                myBallot: b ? { ballotId: b.id, revision: b.revision, status: b.status, errorCode: b.errorCode } : null,
                countedRevision: counted,
                nextRevision: nextRevision(p.revote, counted, pending.get(p.pollId) ?? 0),
              };
            }),
          },
        };
      },
    }),
  ];
}
