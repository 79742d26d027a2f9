/**
 * Recounting a poll from its BallotCast events alone (the protocol's recountPoll): the same tallies and
 * ballot root the contract keeps, rebuilt with its PollCount and ballot tree.
 */
import { recountPoll as recountFromLogs, RecountGapError, totalOptions } from "../../../contracts/protocol";
import type { Question } from "../../../contracts/protocol";
import { ballotLeafNative } from "../../../contracts/protocol/node/ballotCodec";
import { keccak256Native } from "../../../contracts/protocol/node/native";
import type { ChainConnection } from "../chain";
import { CliError } from "../errors";
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
  const toBlock = Number(await chain.rpc.call<string>("eth_blockNumber", []));
  try {
    const recount = await recountFromLogs(chain.rpc, {
      ballotBox: chain.deployment.ballotBox,
      pollId,
      totalOptions: totalOptions(questions),
      fromBlock,
      toBlock,
      leafOf: ballotLeafNative,
      hash: keccak256Native,
    });
    return { pollId, ...recount, fromBlock, toBlock };
  } catch (error) {
    if (error instanceof RecountGapError) throw new CliError("RECOUNT_GAP", `poll ${pollId}: ${error.message}`);
    throw error;
  }
}
