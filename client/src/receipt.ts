/**
 * A ballot receipt and its check: the receipt's fields must rebuild its leaf, and the API's inclusion
 * proof must lead from that leaf to the root read from the chain itself. Secret ballots' receipts
 * carry the nullifier and area in place of the voter key.
 */
import { getAddress } from "ethers";
import { ballotLeaf } from "../../contracts/protocol/ballot";
import { pollStateName } from "../../contracts/protocol/pollState";
import { receiptFileName } from "../../contracts/protocol/receipt";
import type { FullReceipt } from "../../contracts/protocol/receipt";
import { secretBallotLeaf } from "../../contracts/protocol/secretBallot";
import { verifyBallotProof } from "../../contracts/protocol/tree";
import { api } from "./api";
import { chainReader, readPollRoot } from "./chain";
import type { ChainReader, PollRootAt } from "./chain";
import type { ChainConfig, ProofAnswer } from "./types";
import { secretReceiptFileName } from "./secret/secretReceipt";
import type { SecretReceipt } from "./secret/secretReceipt";

/** An open ballot's receipt (with its voter key) or a secret ballot's (with its nullifier). */
export type AnyReceipt = FullReceipt | SecretReceipt;

export const isSecretReceipt = (receipt: AnyReceipt): receipt is SecretReceipt => "nullifier" in receipt;

function rebuildLeaf(receipt: AnyReceipt): string {
  if (isSecretReceipt(receipt)) {
    return secretBallotLeaf({
      pollId: BigInt(receipt.pollId),
      nullifier: BigInt(receipt.nullifier),
      choices: BigInt(receipt.choices),
      revision: BigInt(receipt.revision),
      area: receipt.area,
    });
  }
  return ballotLeaf({
    pollId: BigInt(receipt.pollId),
    voter: receipt.voter,
    choices: BigInt(receipt.choices),
    revision: BigInt(receipt.revision),
  });
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
export async function verifyReceipt(receipt: AnyReceipt, config: ChainConfig): Promise<VerifyOutcome> {
  if (receipt.chainId !== config.chainId || getAddress(receipt.ballotBox) !== getAddress(config.ballotBox)) {
    return { kind: "wrong-deployment" };
  }
  const rebuilt = rebuildLeaf(receipt);
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
 * A secret ballot's last counted revision is kept per nullifier.
 */
async function countedNow(
  reader: ChainReader,
  receipt: AnyReceipt,
): Promise<{ countedRevision: number; cancelled: boolean }> {
  if (isSecretReceipt(receipt)) {
    const [[revision], state] = await Promise.all([
      reader.box.secretBallotOf(receipt.pollId, BigInt(receipt.nullifier)),
      reader.box.state(receipt.pollId),
    ]);
    return { countedRevision: Number(revision), cancelled: pollStateName(state) === "Cancelled" };
  }
  const [resident] = await reader.box.voter(receipt.voter);
  const [[revision], state] = await Promise.all([
    reader.box.ballotOf(receipt.pollId, resident),
    reader.box.state(receipt.pollId),
  ]);
  return { countedRevision: Number(revision), cancelled: pollStateName(state) === "Cancelled" };
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

/** Offers the receipt as a JSON file download. */
export function downloadReceipt(receipt: AnyReceipt): void {
  const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = isSecretReceipt(receipt) ? secretReceiptFileName(receipt) : receiptFileName(receipt);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
