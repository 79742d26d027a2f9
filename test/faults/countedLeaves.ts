/** What the chain itself says was counted: each BallotCast leaf and how many times it appears. */
import { ballotLeaf, decodeBallotCast, EVENT_TOPICS } from "../../contracts/protocol";
import type { Stack } from "../api/harness";

export async function countedLeaves(stack: Stack): Promise<Map<string, number>> {
  const logs = await stack.provider.getLogs({
    address: stack.deployment.ballotBox,
    topics: [EVENT_TOPICS.BallotCast],
    fromBlock: stack.deployment.deployedBlock,
  });
  const counted = new Map<string, number>();
  for (const log of logs) {
    const leaf = ballotLeaf(decodeBallotCast(log));
    counted.set(leaf, (counted.get(leaf) ?? 0) + 1);
  }
  return counted;
}
