/**
 * Checks a resident's receipt against the chain alone: the receipt's transaction carries a BallotCast
 * log with that leaf, the tree rebuilt from all the poll's events holds the leaf at that index, and the
 * rebuilt root is the contract's ballotRoot (and its final root once the poll is finalized).
 */
import { getAddress } from "ethers";
import { buildBallotTree, proofOf, treeRoot, verifyBallotProof, ZERO_ROOT } from "../../contracts/protocol";
import type { BallotProof } from "../../contracts/protocol";
import { pollTopic, readOnChain } from "./audit";
import type { ChainSnapshot } from "./audit";
import { leafFromWords, word } from "./ballotHash";
import { decodeBallotCast, TOPICS } from "./history";
import type { BallotRecord } from "./history";
import { scanLogs } from "./logs";
import type { RawLog, ScanOptions } from "./logs";
import { keccak256Native } from "../../contracts/protocol/node/native";
import { AuditError, Rpc } from "./rpc";

export interface Receipt {
  pollId: string;
  leafIndex: number;
  leaf: string;
  txHash: string;
  block: number;
  ballotBox: string;
  chainId: number;
  voter?: string;
  choices?: string;
  revision?: string;
}

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
  receipt: Receipt;
  block: number;
  state: string | null;
  problems: { code: ReceiptProblem; message: string }[];
  proof: (BallotProof & { leaf: string; root: string }) | null;
  onChainRoot: string | null;
  finalRoot: string | null;
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

/** The receipt file's fields, checked; throws RECEIPT_INVALID naming the first bad field. */
export function parseReceipt(json: unknown): Receipt {
  const r = json as Record<string, unknown>;
  const fail = (field: string): never => {
    throw new AuditError("RECEIPT_INVALID", `receipt: missing or invalid "${field}"`);
  };
  if (typeof r !== "object" || r === null || Array.isArray(r)) fail("(root)");
  const integer = (v: unknown) =>
    (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) || (typeof v === "string" && /^\d{1,20}$/.test(v));
  if (!integer(r.pollId)) fail("pollId");
  if (!integer(r.leafIndex)) fail("leafIndex");
  if (typeof r.leaf !== "string" || !HASH.test(r.leaf)) fail("leaf");
  if (typeof r.txHash !== "string" || !HASH.test(r.txHash)) fail("txHash");
  if (!integer(r.block)) fail("block");
  if (typeof r.ballotBox !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(r.ballotBox)) fail("ballotBox");
  if (!integer(r.chainId)) fail("chainId");
  if (r.voter !== undefined && (typeof r.voter !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(r.voter))) fail("voter");
  if (r.choices !== undefined && !integer(r.choices)) fail("choices");
  if (r.revision !== undefined && !integer(r.revision)) fail("revision");
  return {
    pollId: String(r.pollId),
    leafIndex: Number(r.leafIndex),
    leaf: (r.leaf as string).toLowerCase(),
    txHash: (r.txHash as string).toLowerCase(),
    block: Number(r.block),
    ballotBox: getAddress(r.ballotBox as string),
    chainId: Number(r.chainId),
    ...(r.voter !== undefined ? { voter: (r.voter as string).toLowerCase() } : {}),
    ...(r.choices !== undefined ? { choices: decimal(r.choices) } : {}),
    ...(r.revision !== undefined ? { revision: decimal(r.revision) } : {}),
  };
}

/** A checked integer field (number or decimal string) as a decimal string. */
function decimal(value: unknown): string {
  return typeof value === "number" ? value.toString() : typeof value === "string" ? value : "";
}

function leafOf(b: BallotRecord): Buffer {
  return leafFromWords(word(b.pollId), b.voter.slice(2).padStart(64, "0"), word(b.choices), word(b.revision));
}

interface TxReceipt {
  status: string;
  blockNumber: string;
  logs: RawLog[];
}

export async function verifyReceipt(options: {
  rpcUrl: string;
  receipt: Receipt;
  fromBlock?: number;
  scan?: ScanOptions;
}): Promise<ReceiptReport> {
  const { receipt } = options;
  const rpc = new Rpc(options.rpcUrl);
  const problems: ReceiptReport["problems"] = [];
  const problem = (code: ReceiptProblem, message: string) => problems.push({ code, message });
  const [chainIdHex, headHex, code] = await rpc.batch<string>([
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
    throw new AuditError("BALLOT_BOX_NOT_FOUND", `no contract at ${receipt.ballotBox} on ${options.rpcUrl}`);
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
      .filter((l) => l.address.toLowerCase() === receipt.ballotBox.toLowerCase() && l.topics[0] === TOPICS.ballotCast)
      .map(decodeBallotCast)
      .find((b) => b.pollId === pollId && b.leafIndex === receipt.leafIndex);
    if (!ballot)
      problem("LOG_NOT_FOUND", `transaction has no BallotCast for poll ${pollId} at leaf ${receipt.leafIndex}`);
    else {
      const leaf = `0x${leafOf(ballot).toString("hex")}`;
      if (leaf !== receipt.leaf)
        problem("LEAF_MISMATCH", `the transaction's ballot has leaf ${leaf}, the receipt ${receipt.leaf}`);
      const fields: [string, string | undefined, string][] = [
        ["voter", receipt.voter, ballot.voter],
        ["choices", receipt.choices, ballot.choices.toString()],
        ["revision", receipt.revision, ballot.revision.toString()],
      ];
      for (const [name, given, actual] of fields) {
        if (given !== undefined && given !== actual)
          problem("FIELD_MISMATCH", `${name}: receipt ${given}, chain ${actual}`);
      }
    }
  }

  // 2. The tree rebuilt from every ballot of the poll, and the contract's roots.
  const leaves: Buffer[] = [];
  const filter = { address: receipt.ballotBox, topics: [TOPICS.ballotCast, pollTopic(pollId)] };
  for await (const page of scanLogs(rpc, filter, options.fromBlock ?? 0, block, options.scan)) {
    for (const log of page.logs) leaves.push(leafOf(decodeBallotCast(log)));
  }
  const snapshot: ChainSnapshot = {
    rpc,
    chainId: BigInt(receipt.chainId),
    ballotBox: receipt.ballotBox,
    fromBlock: options.fromBlock ?? 0,
    block,
    registry: [],
  };
  const onChain = await readOnChain(snapshot, pollId).catch(() => {
    throw new AuditError("POLL_NOT_FOUND", `poll ${pollId} does not exist on this chain`);
  });
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
