/**
 * Reading the chain straight from its JSON-RPC node, so what the explorer shows about roots and
 * tallies does not rest on the API's word.
 */
import { JsonRpcProvider } from "ethers";
import { connectBallotBox } from "../../contracts/protocol/contract";
import type { BallotBox } from "../../contracts/protocol/contract";
import type { ChainConfig } from "./types";

export interface ChainReader {
  provider: JsonRpcProvider;
  box: BallotBox;
}

const readers = new Map<string, ChainReader>();

export function chainReader(config: Pick<ChainConfig, "rpcUrl" | "chainId" | "ballotBox">): ChainReader {
  const key = `${config.rpcUrl}|${config.ballotBox}`;
  let reader = readers.get(key);
  if (!reader) {
    const provider = new JsonRpcProvider(config.rpcUrl, config.chainId, { staticNetwork: true });
    reader = { provider, box: connectBallotBox(config.ballotBox, provider) };
    readers.set(key, reader);
  }
  return reader;
}

export interface PollRootAt {
  block: number;
  ballots: number;
  root: string;
}

/**
 * The poll's ballot count and Merkle root, both read at the same block so they belong together:
 * `at`, or the latest block.
 */
export async function readPollRoot(reader: ChainReader, pollId: number, at?: number): Promise<PollRootAt> {
  const block = at ?? (await reader.provider.getBlockNumber());
  const [view, root] = await Promise.all([
    reader.box.poll(pollId, { blockTag: block }),
    reader.box.ballotRoot(pollId, { blockTag: block }),
  ]);
  return { block, ballots: Number(view.ballots), root };
}
