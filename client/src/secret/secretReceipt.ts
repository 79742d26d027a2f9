/**
 * A secret ballot's receipt: the receipt fields of an open ballot, with the nullifier and area in
 * place of the voter key, so the leaf keccak256(abi.encode(pollId, nullifier, choices, revision,
 * area)) is rebuilt from it. It names no resident: keeping it links nobody to the ballot.
 */
import { getAddress } from "ethers";
import { ReceiptFormatError } from "../../../contracts/protocol/receipt";
import type { SecretReceipt } from "../../../contracts/protocol/receipt";

export type { SecretReceipt };

const HASH = /^0x[0-9a-fA-F]{64}$/;
const DECIMAL = /^\d{1,78}$/;

function whole(v: unknown, max: number): number | null {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 && n <= max ? n : null;
}

/** Whether a receipt's JSON is a secret ballot's (it carries a nullifier). */
export function looksSecret(input: unknown): boolean {
  return typeof input === "object" && input !== null && "nullifier" in input;
}

/** Checks a secret receipt's fields; throws ReceiptFormatError naming the first bad one. */
export function parseSecretReceipt(input: unknown): SecretReceipt {
  const r = input as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null || Array.isArray(r)) throw new ReceiptFormatError("(root)");
  const need = <T>(field: string, value: T | null): T => {
    if (value === null) throw new ReceiptFormatError(field);
    return value;
  };
  const text = (v: unknown, pattern: RegExp) => (typeof v === "string" && pattern.test(v) ? v : null);
  const ballotBox = need("ballotBox", text(r.ballotBox, /^0x[0-9a-fA-F]{40}$/));
  return {
    pollId: need("pollId", whole(r.pollId, 0xffffffff)),
    leafIndex: need("leafIndex", whole(r.leafIndex, 0xffffffff)),
    leaf: need("leaf", text(r.leaf, HASH)).toLowerCase(),
    txHash: need("txHash", text(r.txHash, HASH)).toLowerCase(),
    block: need("block", whole(r.block, Number.MAX_SAFE_INTEGER)),
    ballotBox: getAddress(ballotBox.toLowerCase()),
    chainId: need("chainId", whole(r.chainId, Number.MAX_SAFE_INTEGER)),
    nullifier: need("nullifier", text(typeof r.nullifier === "number" ? String(r.nullifier) : r.nullifier, DECIMAL)),
    area: need("area", whole(r.area, 0xffffffff)),
    choices: need("choices", text(typeof r.choices === "number" ? String(r.choices) : r.choices, DECIMAL)),
    revision: need("revision", whole(r.revision, 0xffff)),
  };
}

export function secretReceiptFileName(receipt: Pick<SecretReceipt, "pollId" | "leafIndex">): string {
  return `veche-secret-receipt-poll${receipt.pollId}-leaf${receipt.leafIndex}.json`;
}
