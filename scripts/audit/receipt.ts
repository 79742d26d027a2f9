/**
 * Checks a resident's receipt against the chain alone: the receipt's transaction carries a BallotCast
 * log with that leaf, the tree rebuilt from all the poll's events holds the leaf at that index, and the
 * rebuilt root is the contract's ballotRoot (and its final root once the poll is finalized).
 */
import {
  buildBallotTree,
  EVENT_TOPICS,
  parseReceipt as parseReceiptFields,
  proofOf,
  ReceiptFormatError,
  scanLogs,
  treeRoot,
  uintTopic,
  verifyBallotProof,
  ZERO_ROOT,
} from "../../contracts/protocol";
import type { BallotProof, BallotReceipt, RawLog, ScanOptions } from "../../contracts/protocol";
import { ballotLeafNative } from "../../contracts/protocol/node/ballotCodec";
import { keccak256Native } from "../../contracts/protocol/node/native";
import { NodeRpcClient } from "../../contracts/protocol/node/rpc";
import { CliError, cannotCheck } from "../cli/errors";
import { readOnChain } from "./audit";
import type { ChainSnapshot } from "./audit";
import { ballotRecord } from "./history";

export type ReceiptProblem =
  | "CHAIN_MISMATCH"
  | "TX_NOT_FOUND"
  | "TX_FAILED"
  | "BLOCK_MISMATCH"
  | "LOG_NOT_FOUND"
  | "LEAF_MISMATCH"
  | "FIELD_MISMATCH"
  | "NOT_IN_TREE"
  | "ROOT_MISMATCH"
  | "FINAL_ROOT_MISMATCH";

export interface ReceiptReport {
  ok: boolean;
  receipt: BallotReceipt;
  block: number;
  state: string | null;
  problems: { code: ReceiptProblem; message: string }[];
  proof: (BallotProof & { leaf: string; root: string }) | null;
  onChainRoot: string | null;
  finalRoot: string | null;
}

/** The receipt file's fields, checked; throws RECEIPT_INVALID naming the first bad field. */
export function parseReceipt(json: unknown): BallotReceipt {
  try {
    return parseReceiptFields(json);
  } catch (error) {
    if (error instanceof ReceiptFormatError) throw cannotCheck("RECEIPT_INVALID", error.message);
    throw error;
  }
}

interface TxReceipt {
  status: string;
  blockNumber: string;
  logs: RawLog[];
}

export async function verifyReceipt(options: {
  rpcUrl: string;
  receipt: BallotReceipt;
  fromBlock?: number;
  scan?: ScanOptions;
}): Promise<ReceiptReport> {
  const { receipt } = options;
  const rpc = new NodeRpcClient(options.rpcUrl, 120_000);
  const problems: ReceiptReport["problems"] = [];
  const problem = (code: ReceiptProblem, message: string) => problems.push({ code, message });
  const [chainIdHex, headHex, code] = await rpc.batchAll<string>([
    { method: "eth_chainId", params: [] },
    { method: "eth_blockNumber", params: [] },
    { method: "eth_getCode", params: [receipt.ballotBox, "latest"] },
  ]);
  const base = { ok: false, receipt, state: null, proof: null, onChainRoot: null, finalRoot: null };
  const block = Number(headHex);
  if (BigInt(chainIdHex ?? "0") !== BigInt(receipt.chainId)) {
    problem(
      "CHAIN_MISMATCH",
      `the node is chain ${BigInt(chainIdHex ?? "0")}, the receipt names chain ${receipt.chainId}`,
    );
    return { ...base, block, problems };
  }
  if (!code || code === "0x") {
    throw cannotCheck("BALLOT_BOX_NOT_FOUND", `no contract at ${receipt.ballotBox} on ${options.rpcUrl}`);
  }
  const pollId = BigInt(receipt.pollId);

  // 1. The transaction's own log.
  const tx = await rpc.call<TxReceipt | null>("eth_getTransactionReceipt", [receipt.txHash]);
  if (!tx) problem("TX_NOT_FOUND", `transaction ${receipt.txHash} is not on this chain`);
  else {
    if (tx.status !== "0x1") problem("TX_FAILED", `transaction ${receipt.txHash} reverted`);
    if (Number(tx.blockNumber) !== receipt.block) {
      problem("BLOCK_MISMATCH", `transaction is in block ${Number(tx.blockNumber)}, the receipt says ${receipt.block}`);
    }
    const ballot = tx.logs
      .filter(
        (l) => l.address.toLowerCase() === receipt.ballotBox.toLowerCase() && l.topics[0] === EVENT_TOPICS.BallotCast,
      )
      .map(ballotRecord)
      .find((b) => b.pollId === pollId && b.leafIndex === receipt.leafIndex);
    if (!ballot)
      problem("LOG_NOT_FOUND", `transaction has no BallotCast for poll ${pollId} at leaf ${receipt.leafIndex}`);
    else {
      const leaf = `0x${ballotLeafNative(ballot).toString("hex")}`;
      if (leaf !== receipt.leaf)
        problem("LEAF_MISMATCH", `the transaction's ballot has leaf ${leaf}, the receipt ${receipt.leaf}`);
      const fields: [string, string | undefined, string][] = [
        ["voter", receipt.voter?.toLowerCase(), ballot.voter],
        ["choices", receipt.choices, ballot.choices.toString()],
        ["revision", receipt.revision?.toString(), ballot.revision.toString()],
      ];
      for (const [name, given, actual] of fields) {
        if (given !== undefined && given !== actual)
          problem("FIELD_MISMATCH", `${name}: receipt ${given}, chain ${actual}`);
      }
    }
  }

  // 2. The contract's roots at `block`, read first: a node keeps only its latest blocks' states.
  const snapshot: ChainSnapshot = {
    rpc,
    chainId: BigInt(receipt.chainId),
    ballotBox: receipt.ballotBox,
    fromBlock: options.fromBlock ?? 0,
    block,
    registry: [],
    states: new Map(),
  };
  const onChain = await readOnChain(snapshot, pollId).catch((err: unknown) => {
    if (err instanceof CliError && err.code === "STATE_NOT_KEPT") throw err;
    throw cannotCheck("POLL_NOT_FOUND", `poll ${pollId} does not exist on this chain`);
  });
  // 3. The tree rebuilt from every ballot of the poll.
  const leaves: Buffer[] = [];
  const filter = { address: receipt.ballotBox, topics: [EVENT_TOPICS.BallotCast, uintTopic(pollId)] };
  for await (const page of scanLogs(rpc, filter, options.fromBlock ?? 0, block, options.scan)) {
    for (const log of page.logs) leaves.push(ballotLeafNative(ballotRecord(log)));
  }
  const tree = buildBallotTree(leaves, keccak256Native);
  const root = leaves.length === 0 ? ZERO_ROOT : treeRoot(tree);
  const inTree = leaves[receipt.leafIndex];
  let proof: ReceiptReport["proof"] = null;
  if (!inTree || `0x${inTree.toString("hex")}` !== receipt.leaf) {
    problem("NOT_IN_TREE", `the poll's tree has no leaf ${receipt.leaf} at index ${receipt.leafIndex}`);
  } else {
    proof = { ...proofOf(tree, receipt.leafIndex), leaf: receipt.leaf, root };
    if (!verifyBallotProof(receipt.leaf, proof, onChain.ballotRoot, keccak256Native)) {
      problem("ROOT_MISMATCH", `the proof leads to ${root}, the contract's ballotRoot is ${onChain.ballotRoot}`);
    }
    if (onChain.state === "Finalized" && !verifyBallotProof(receipt.leaf, proof, onChain.finalRoot, keccak256Native)) {
      problem("FINAL_ROOT_MISMATCH", `the proof leads to ${root}, the final root is ${onChain.finalRoot}`);
    }
  }
  return {
    ...base,
    ok: problems.length === 0,
    block,
    state: onChain.state,
    problems,
    proof,
    onChainRoot: onChain.ballotRoot,
    finalRoot: onChain.state === "Finalized" ? onChain.finalRoot : null,
  };
}
