/**
 * Recounting a poll from its BallotCast events alone: the same tallies and ballot root the contract
 * keeps, rebuilt with the protocol module's PollCount and ballot tree.
 */
import { toBeHex, zeroPadValue } from "ethers";
import {
  BALLOT_CAST_TOPIC,
  ballotLeaf,
  buildBallotTree,
  parseBallotCast,
  PollCount,
  totalOptions,
  treeRoot,
} from "../../../contracts/protocol";
import type { Question } from "../../../contracts/protocol";
import type { ChainConnection } from "../chain";
import { CliError } from "../errors";
import { fetchLogs } from "./logs";
import { pollCreation } from "./readPolls";

export interface Recount {
  pollId: number;
  ballots: number;
  voters: number;
  tallies: bigint[];
  root: string;
  fromBlock: number;
  toBlock: number;
}

export async function recountPoll(chain: ChainConnection, pollId: number, questions: Question[]): Promise<Recount> {
  const creation = await pollCreation(chain, pollId);
  const fromBlock = creation?.block ?? chain.deployment.deployedBlock;
  const toBlock = await chain.provider.getBlockNumber();
  const count = new PollCount(totalOptions(questions));
  const leaves: string[] = [];
  await fetchLogs(
    chain.provider,
    { address: chain.deployment.ballotBox, topics: [BALLOT_CAST_TOPIC, zeroPadValue(toBeHex(pollId), 32)] },
    fromBlock,
    toBlock,
    (logs) => {
      for (const log of logs) {
        const ballot = parseBallotCast(log);
        if (ballot.leafIndex !== leaves.length) {
          throw new CliError(
            "RECOUNT_GAP",
            `poll ${pollId}: ballot event at block ${log.blockNumber} has leaf ${ballot.leafIndex}, expected ${leaves.length}`,
          );
        }
        count.add(ballot);
        leaves.push(ballotLeaf(ballot));
      }
    },
  );
  return {
    pollId,
    ballots: count.ballots,
    voters: count.voters,
    tallies: count.tallies(),
    root: treeRoot(buildBallotTree(leaves)),
    fromBlock,
    toBlock,
  };
}
