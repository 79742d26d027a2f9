/** Ballots cast straight through the API by keys the registrar enrols, for the explorer tests. */
import { encodeChoices } from "../../contracts/protocol";
import type { Question } from "../../contracts/protocol";
import type { NonceManager } from "ethers";
import { enrolVoter, eventually, http, signedBallot } from "../api/harness";
import type { Stack } from "../api/harness";

export interface CastResult {
  ballotId: string;
}

/** Casts one ballot per entry of `votes` (chosen options per question), each by a new voter in `district`. */
export async function castBallots(
  stack: Stack,
  pollId: number,
  questions: Question[],
  votes: number[][][],
  district = 1,
): Promise<CastResult[]> {
  // The API's enrolment route sends from the same registrar key: read its nonce again from the node.
  (stack.registrar.runner as NonceManager).reset();
  const voters = await Promise.all(votes.map(() => enrolVoter(stack, district)));
  const results: CastResult[] = [];
  for (const [i, selected] of votes.entries()) {
    const key = voters[i]!;
    const body = await signedBallot(stack, key, {
      pollId: BigInt(pollId),
      choices: encodeChoices(questions, selected),
      revision: 1n,
    });
    const res = await http<{ ballotId: string }>(stack, "POST", "/api/ballots", body);
    if (res.status !== 202) throw new Error(`ballot refused: ${res.status} ${JSON.stringify(res.body)}`);
    results.push(res.body);
  }
  await eventually(
    async () => (Number((await stack.staff.poll(pollId)).ballots) >= votes.length ? true : null),
    30_000,
    "ballots mined",
  );
  return results;
}

/** Waits until the API has indexed `ballots` ballots from `voters` residents of the poll. */
export async function indexed(stack: Stack, pollId: number, ballots: number, voters: number): Promise<void> {
  await eventually(
    async () => {
      const res = await http<{ ballots: number; voters: number }>(stack, "GET", `/api/polls/${pollId}`);
      return res.body.ballots === ballots && res.body.voters === voters ? true : null;
    },
    30_000,
    `poll ${pollId} indexed with ${ballots} ballots from ${voters} residents`,
  );
}
