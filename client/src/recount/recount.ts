/**
 * A poll's recount from the chain alone, in the browser: the protocol's recountPoll reads its
 * BallotCast logs page by page from the node and rebuilds tallies and tree, which are then set beside
 * the contract's own tallies and root read at the same block.
 */
import { JsonRpcProvider } from "ethers";
import { connectBallotBox } from "../../../contracts/protocol/contract";
import { recountPoll as recountFromLogs, RecountGapError } from "../../../contracts/protocol/recount";
import { RpcClient } from "../../../contracts/protocol/rpc";

export interface RecountRequest {
  rpcUrl: string;
  chainId: number;
  ballotBox: string;
  deployedBlock: number;
  pollId: number;
  /** Blocks in the first eth_getLogs page; pages adapt to the node from there. */
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

export async function recountPoll(
  request: RecountRequest,
  onProgress: (progress: RecountProgress) => void = () => undefined,
): Promise<RecountResult> {
  const provider = new JsonRpcProvider(request.rpcUrl, request.chainId, { staticNetwork: true, batchMaxCount: 1 });
  const rpc = new RpcClient(request.rpcUrl, 60_000);
  try {
    const box = connectBallotBox(request.ballotBox, provider);
    const head = await provider.getBlockNumber();
    const [view, chainTallies, chainRoot] = await Promise.all([
      box.poll(request.pollId, { blockTag: head }),
      box.tallies(request.pollId, { blockTag: head }),
      box.ballotRoot(request.pollId, { blockTag: head }),
    ]);
    const totalOptions = view.questions.reduce((sum, q) => sum + Number(q.options), 0);
    const recount = await recountFromLogs(
      rpc,
      {
        ballotBox: request.ballotBox,
        pollId: request.pollId,
        totalOptions,
        fromBlock: request.deployedBlock,
        toBlock: head,
        scan: { initialSpan: request.pageBlocks ?? 50_000 },
      },
      (page) => {
        onProgress({ phase: "logs", fromBlock: page.from, toBlock: page.to, head, ballots: page.ballots });
        if (page.to === head) onProgress({ phase: "tree", ballots: page.ballots });
      },
    ).catch((error: unknown) => {
      if (error instanceof RecountGapError) throw new RecountError("LOG_GAP", error.message);
      throw new RecountError("RPC_FAILED", error instanceof Error ? error.message : String(error));
    });
    const tallies = recount.tallies.map(String);
    const chain = { ballots: Number(view.ballots), tallies: chainTallies.map(String), root: chainRoot };
    return {
      block: head,
      ballots: recount.ballots,
      tallies,
      root: recount.root,
      chain,
      ballotsMatch: chain.ballots === recount.ballots,
      talliesMatch: tallies.length === chain.tallies.length && tallies.every((v, i) => v === chain.tallies[i]),
      rootMatch: recount.root.toLowerCase() === chainRoot.toLowerCase(),
    };
  } finally {
    provider.destroy();
  }
}
