/**
 * A poll recounted from its BallotCast events alone: the logs read page by page from a node, each
 * resident's latest ballot counted (PollCount), every ballot a leaf of the rebuilt tree. The explorer
 * runs it in the browser and `veche poll finalize` before it publishes; both set the outcome beside the
 * contract's own tallies and root. (The audit adds signature, eligibility and window checks on top.)
 */
import { ballotLeaf } from "./ballot";
import type { CastBallot } from "./ballot";
import { decodeBallotCast, EVENT_TOPICS } from "./events";
import { scanLogs, uintTopic } from "./logs";
import type { ScanOptions } from "./logs";
import type { JsonRpc } from "./rpc";
import { PollCount } from "./tally";
import { buildBallotTree, keccakBuffer, treeRoot } from "./tree";
import type { HashFn } from "./tree";

export interface RecountRequest {
  ballotBox: string;
  pollId: bigint | number;
  /** Options of all the poll's questions together: the length of its tallies. */
  totalOptions: number;
  /** Where to start reading: the poll's creation block, or the deployment's. */
  fromBlock: number;
  /** The block to count up to, inclusive; read the contract's values at this block to compare. */
  toBlock: number;
  scan?: ScanOptions;
  /** The leaf of a ballot; native code may stand in for the plain `ballotLeaf`. */
  leafOf?: (ballot: CastBallot) => string | Buffer;
  hash?: HashFn;
}

export interface RecountPage {
  from: number;
  to: number;
  ballots: number;
}

export interface Recount {
  /** Leaves in the tree, re-votes included. */
  ballots: number;
  /** Residents whose ballot counts. */
  voters: number;
  tallies: bigint[];
  root: string;
}

/** Thrown when the events skip or repeat a leaf index: the node's log history is incomplete. */
export class RecountGapError extends Error {
  constructor(
    readonly expected: number,
    readonly found: number,
    readonly block: number,
  ) {
    super(`ballot event at block ${block} has leaf ${found}, expected ${expected}`);
    this.name = "RecountGapError";
  }
}

export async function recountPoll(
  rpc: JsonRpc,
  request: RecountRequest,
  onPage: (page: RecountPage) => void = () => undefined,
): Promise<Recount> {
  const count = new PollCount(request.totalOptions);
  const leaves: (string | Buffer)[] = [];
  const leafOf = request.leafOf ?? ballotLeaf;
  const filter = { address: request.ballotBox, topics: [EVENT_TOPICS.BallotCast, uintTopic(request.pollId)] };
  for await (const page of scanLogs(rpc, filter, request.fromBlock, request.toBlock, request.scan)) {
    for (const log of page.logs) {
      const ballot = decodeBallotCast(log);
      if (ballot.leafIndex !== leaves.length) {
        throw new RecountGapError(leaves.length, ballot.leafIndex, parseInt(log.blockNumber, 16));
      }
      count.add(ballot);
      leaves.push(leafOf(ballot));
    }
    onPage({ from: page.from, to: page.to, ballots: leaves.length });
  }
  const tree = buildBallotTree(leaves, request.hash ?? keccakBuffer);
  return { ballots: count.ballots, voters: count.voters, tallies: count.tallies(), root: treeRoot(tree) };
}
