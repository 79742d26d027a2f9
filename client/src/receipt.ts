/**
 * A ballot receipt and its check: the receipt's fields must rebuild its leaf, and the API's inclusion
 * proof must lead from that leaf to the root read from the chain itself.
 */
import { getAddress, isHexString } from "ethers";
import { ballotLeaf } from "../../contracts/protocol/ballot";
import { verifyBallotProof } from "../../contracts/protocol/tree";
import { POLL_STATES } from "../../contracts/protocol/contract";
import { api } from "./api";
import { chainReader, readPollRoot } from "./chain";
import type { ChainReader, PollRootAt } from "./chain";
import type { ChainConfig, ProofAnswer } from "./types";

export interface Receipt {
  pollId: number;
  leafIndex: number;
  leaf: string;
  txHash: string;
  block: number;
  ballotBox: string;
  chainId: number;
  voter: string;
  choices: string;
  revision: number;
}

export class ReceiptFormatError extends Error {
  constructor(readonly field: string) {
    super(`receipt field "${field}" is missing or invalid`);
  }
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isDecimal = (v: unknown): v is string => typeof v === "string" && /^\d{1,78}$/.test(v);

/** Checks a receipt's shape (from a file or pasted text); throws ReceiptFormatError naming the bad field. */
export function parseReceipt(input: unknown): Receipt {
  const r = (typeof input === "string" ? safeJson(input) : input) as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null) throw new ReceiptFormatError("(root)");
  const need = (field: string, ok: boolean) => {
    if (!ok) throw new ReceiptFormatError(field);
  };
  need("pollId", isInt(r.pollId));
  need("leafIndex", isInt(r.leafIndex));
  need("leaf", isHexString(r.leaf, 32));
  need("txHash", isHexString(r.txHash, 32));
  need("block", isInt(r.block));
  need("ballotBox", isHexString(r.ballotBox, 20));
  need("chainId", isInt(r.chainId));
  need("voter", isHexString(r.voter, 20));
  need("choices", isDecimal(r.choices));
  need("revision", isInt(r.revision));
  return {
    pollId: r.pollId as number,
    leafIndex: r.leafIndex as number,
    leaf: (r.leaf as string).toLowerCase(),
    txHash: r.txHash as string,
    block: r.block as number,
    ballotBox: getAddress(r.ballotBox as string),
    chainId: r.chainId as number,
    voter: getAddress(r.voter as string),
    choices: r.choices as string,
    revision: r.revision as number,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ReceiptFormatError("(json)");
  }
}

export type VerifyOutcome =
  | {
      kind: "verified";
      root: string;
      block: number;
      ballots: number;
      /** The revision of the resident's ballot that counts now, read from the contract. */
      countedRevision: number;
      cancelled: boolean;
    }
  | { kind: "wrong-deployment" }
  | { kind: "leaf-mismatch" }
  | { kind: "not-included"; root: string; block: number; ballots: number }
  | { kind: "chain-moving" };

const ATTEMPTS = 8;

/**
 * Verifies `receipt` against the chain's current root. The proof is for a tree of `ballots` leaves,
 * so the root must be read where the chain has exactly that many; when the chain moved on between
 * the two reads, the proof is fetched again.
 */
export async function verifyReceipt(receipt: Receipt, config: ChainConfig): Promise<VerifyOutcome> {
  if (receipt.chainId !== config.chainId || getAddress(receipt.ballotBox) !== getAddress(config.ballotBox)) {
    return { kind: "wrong-deployment" };
  }
  const rebuilt = ballotLeaf({
    pollId: BigInt(receipt.pollId),
    voter: receipt.voter,
    choices: BigInt(receipt.choices),
    revision: BigInt(receipt.revision),
  });
  if (rebuilt.toLowerCase() !== receipt.leaf.toLowerCase()) return { kind: "leaf-mismatch" };
  const reader = chainReader(config);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const proof = await api<ProofAnswer>("GET", `/api/polls/${receipt.pollId}/proof/${receipt.leafIndex}`);
    const onChain = await rootForProof(reader, receipt.pollId, proof);
    if (!onChain) {
      await new Promise((resolve) => setTimeout(resolve, 500 + attempt * 250));
      continue;
    }
    const proofInput = { leafIndex: receipt.leafIndex, ballots: proof.ballots, siblings: proof.siblings };
    const at = { root: onChain.root, block: onChain.block, ballots: onChain.ballots };
    if (!verifyBallotProof(receipt.leaf, proofInput, onChain.root)) return { kind: "not-included", ...at };
    return { kind: "verified", ...at, ...(await countedNow(reader, receipt)) };
  }
  return { kind: "chain-moving" };
}

/**
 * Whether the receipt's ballot is the one that counts: the contract keeps each resident's last
 * counted revision (a re-vote replaces the ballot before it), and the poll may have been cancelled.
 */
async function countedNow(
  reader: ChainReader,
  receipt: Receipt,
): Promise<{ countedRevision: number; cancelled: boolean }> {
  const [resident] = await reader.box.voter(receipt.voter);
  const [[revision], state] = await Promise.all([
    reader.box.ballotOf(receipt.pollId, resident),
    reader.box.state(receipt.pollId),
  ]);
  return { countedRevision: Number(revision), cancelled: POLL_STATES[Number(state)] === "Cancelled" };
}

/**
 * The chain's root for a tree of `proof.ballots` leaves: at the latest block if the poll has that many,
 * else at the block the API names (a node without that history answers nothing useful); null if neither.
 */
async function rootForProof(reader: ChainReader, pollId: number, proof: ProofAnswer): Promise<PollRootAt | null> {
  const latest = await readPollRoot(reader, pollId);
  if (latest.ballots === proof.ballots) return latest;
  if (proof.block === undefined || proof.block > latest.block) return null;
  try {
    const then = await readPollRoot(reader, pollId, proof.block);
    return then.ballots === proof.ballots ? then : null;
  } catch {
    return null;
  }
}

export function receiptFromBallot(
  b: { pollId: number; voter: string; choices: string; revision: number },
  r: { leafIndex: number; leaf: string; txHash: string; block: number },
  config: ChainConfig,
): Receipt {
  return {
    pollId: b.pollId,
    leafIndex: r.leafIndex,
    leaf: r.leaf.toLowerCase(),
    txHash: r.txHash,
    block: r.block,
    ballotBox: getAddress(config.ballotBox),
    chainId: config.chainId,
    voter: getAddress(b.voter),
    choices: String(b.choices),
    revision: Number(b.revision),
  };
}

/** Offers the receipt as a JSON file download. */
export function downloadReceipt(receipt: Receipt): void {
  const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `veche-receipt-poll${receipt.pollId}-leaf${receipt.leafIndex}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
