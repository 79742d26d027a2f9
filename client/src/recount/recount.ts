/**
 * A poll's recount from the chain alone: its BallotCast logs fetched page by page from the node,
 * counted with the protocol's PollCount and rebuilt into the ballot tree, then set beside the
 * contract's own tallies and root read at the same block.
 */
import { JsonRpcProvider, toBeHex, zeroPadValue } from "ethers";
import { ballotLeaf } from "../../../contracts/protocol/ballot";
import { BALLOT_CAST_TOPIC, connectBallotBox, parseBallotCast } from "../../../contracts/protocol/contract";
import { PollCount } from "../../../contracts/protocol/tally";
import { buildBallotTree, treeRoot } from "../../../contracts/protocol/tree";

export interface RecountRequest {
  rpcUrl: string;
  chainId: number;
  ballotBox: string;
  deployedBlock: number;
  pollId: number;
  /** Blocks per eth_getLogs call; halved when the node refuses a range. */
  pageBlocks?: number;
}

export type RecountProgress =
  | { phase: "logs"; fromBlock: number; toBlock: number; head: number; ballots: number }
  | { phase: "tree"; ballots: number };

export interface RecountResult {
  block: number;
  ballots: number;
  tallies: string[];
  root: string;
  chain: { ballots: number; tallies: string[]; root: string };
  ballotsMatch: boolean;
  talliesMatch: boolean;
  rootMatch: boolean;
}

export class RecountError extends Error {
  constructor(
    readonly code: "LOG_GAP" | "RPC_FAILED",
    message: string,
  ) {
    super(message);
  }
}

interface RawLog {
  topics: string[];
  data: string;
}

export async function recountPoll(
  request: RecountRequest,
  onProgress: (progress: RecountProgress) => void = () => undefined,
): Promise<RecountResult> {
  const provider = new JsonRpcProvider(request.rpcUrl, request.chainId, { staticNetwork: true, batchMaxCount: 1 });
  try {
    const box = connectBallotBox(request.ballotBox, provider);
    const head = await provider.getBlockNumber();
    const [view, chainTallies, chainRoot] = await Promise.all([
      box.poll(request.pollId, { blockTag: head }),
      box.tallies(request.pollId, { blockTag: head }),
      box.ballotRoot(request.pollId, { blockTag: head }),
    ]);
    const totalOptions = view.questions.reduce((sum, q) => sum + Number(q.options), 0);
    const count = new PollCount(totalOptions);
    const leaves: string[] = [];
    const pollTopic = zeroPadValue(toBeHex(request.pollId), 32);
    let page = request.pageBlocks ?? 50_000;
    for (let from = request.deployedBlock; from <= head;) {
      const to = Math.min(head, from + page - 1);
      let logs: RawLog[];
      try {
        logs = (await provider.send("eth_getLogs", [
          {
            address: request.ballotBox,
            fromBlock: toBeHex(from),
            toBlock: toBeHex(to),
            topics: [BALLOT_CAST_TOPIC, pollTopic],
          },
        ])) as RawLog[];
      } catch (error) {
        if (page > 1) {
          page = Math.max(1, Math.floor(page / 2));
          continue;
        }
        throw new RecountError("RPC_FAILED", error instanceof Error ? error.message : String(error));
      }
      for (const log of logs) {
        const ballot = parseBallotCast(log);
        if (ballot.leafIndex !== leaves.length) {
          throw new RecountError("LOG_GAP", `expected leaf ${leaves.length}, the chain's log has ${ballot.leafIndex}`);
        }
        count.add(ballot);
        leaves.push(
          ballotLeaf({
            pollId: ballot.pollId,
            voter: ballot.voter,
            choices: ballot.choices,
            revision: ballot.revision,
          }),
        );
      }
      onProgress({ phase: "logs", fromBlock: from, toBlock: to, head, ballots: leaves.length });
      from = to + 1;
    }
    onProgress({ phase: "tree", ballots: leaves.length });
    const root = treeRoot(buildBallotTree(leaves));
    const tallies = count.tallies().map(String);
    const chain = { ballots: Number(view.ballots), tallies: chainTallies.map(String), root: chainRoot };
    return {
      block: head,
      ballots: leaves.length,
      tallies,
      root,
      chain,
      ballotsMatch: chain.ballots === leaves.length,
      talliesMatch: tallies.length === chain.tallies.length && tallies.every((v, i) => v === chain.tallies[i]),
      rootMatch: root.toLowerCase() === chainRoot.toLowerCase(),
    };
  } finally {
    provider.destroy();
  }
}
