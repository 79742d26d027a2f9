/** What the chain itself says was counted: each BallotCast leaf and how many times it appears. */
import { BALLOT_CAST_TOPIC, ballotLeaf, parseBallotCast } from "../../contracts/protocol";
import type { Stack } from "../api/harness";

export async function countedLeaves(stack: Stack): Promise<Map<string, number>> {
  const logs = await stack.provider.getLogs({
    address: stack.deployment.ballotBox,
    topics: [BALLOT_CAST_TOPIC],
    fromBlock: stack.deployment.deployedBlock,
  });
  const counted = new Map<string, number>();
  for (const log of logs) {
    const leaf = ballotLeaf(parseBallotCast(log));
    counted.set(leaf, (counted.get(leaf) ?? 0) + 1);
  }
  return counted;
}
