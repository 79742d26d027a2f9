/**
 * A ballot receipt: what a resident keeps to show their ballot was counted as cast. The API answers it
 * once the ballot is mined, the client saves it as a file, and anyone checks it against the chain
 * (`veche verify-receipt`, the explorer's receipt check). One shape, one parser.
 */
import { getAddress } from "ethers";

export interface BallotReceipt {
  pollId: number;
  leafIndex: number;
  /** The ballot's leaf (0x, lower-case): keccak256(abi.encode(pollId, voter, choices, revision)). */
  leaf: string;
  txHash: string;
  block: number;
  /** Checksummed address of the ballot box. */
  ballotBox: string;
  chainId: number;
  /** The ballot's own fields, from which the leaf is rebuilt; a receipt without them proves inclusion only. */
  voter?: string;
  /** The choice bitmap in decimal. */
  choices?: string;
  revision?: number;
}

/** A receipt that carries the ballot's fields too, as the API and the client make them. */
export type FullReceipt = Required<BallotReceipt>;

/**
 * A secret ballot's receipt: the nullifier and census area in place of the voter key, so the leaf
 * keccak256(abi.encode(pollId, nullifier, choices, revision, area)) can be rebuilt from it.
 */
export interface SecretReceipt extends Omit<BallotReceipt, "voter" | "choices" | "revision"> {
  /** Decimal. */
  nullifier: string;
  area: number;
  choices: string;
  revision: number;
}

export class ReceiptFormatError extends Error {
  constructor(readonly field: string) {
    super(`receipt: missing or invalid "${field}"`);
    this.name = "ReceiptFormatError";
  }
}

const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A whole number given as a JSON number or a decimal string. */
function integer(v: unknown, max = Number.MAX_SAFE_INTEGER): number | null {
  const value = typeof v === "number" ? v : typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(value) && value >= 0 && value <= max ? value : null;
}

/**
 * Checks a receipt's fields (an object, or JSON text) and normalises them: hashes lower-case, addresses
 * checksummed, numbers as numbers. Throws ReceiptFormatError naming the first bad field.
 */
export function parseReceipt(input: unknown): BallotReceipt {
  const r = (typeof input === "string" ? json(input) : input) as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null || Array.isArray(r)) throw new ReceiptFormatError("(root)");
  const need = <T>(field: string, value: T | null | undefined): T => {
    if (value === null || value === undefined) throw new ReceiptFormatError(field);
    return value;
  };
  const text = (v: unknown, pattern: RegExp) => (typeof v === "string" && pattern.test(v) ? v : null);
  const receipt: BallotReceipt = {
    pollId: need("pollId", integer(r.pollId, 0xffffffff)),
    leafIndex: need("leafIndex", integer(r.leafIndex, 0xffffffff)),
    leaf: need("leaf", text(r.leaf, HASH)).toLowerCase(),
    txHash: need("txHash", text(r.txHash, HASH)).toLowerCase(),
    block: need("block", integer(r.block)),
    ballotBox: getAddress(need("ballotBox", text(r.ballotBox, ADDRESS)).toLowerCase()),
    chainId: need("chainId", integer(r.chainId)),
  };
  if (r.voter !== undefined) receipt.voter = getAddress(need("voter", text(r.voter, ADDRESS)).toLowerCase());
  if (r.choices !== undefined) {
    const choices = typeof r.choices === "number" ? integer(r.choices)?.toString() : text(r.choices, /^\d{1,78}$/);
    receipt.choices = need("choices", choices);
  }
  if (r.revision !== undefined) receipt.revision = need("revision", integer(r.revision, 0xffff));
  return receipt;
}

/** A receipt that must carry the ballot's fields (to rebuild its leaf and say whether it still counts). */
export function parseFullReceipt(input: unknown): FullReceipt {
  const receipt = parseReceipt(input);
  for (const field of ["voter", "choices", "revision"] as const) {
    if (receipt[field] === undefined) throw new ReceiptFormatError(field);
  }
  return receipt as FullReceipt;
}

/** Whether the receipt carries the ballot's fields, so its leaf can be rebuilt. */
export function isFullReceipt(receipt: BallotReceipt): receipt is FullReceipt {
  return receipt.voter !== undefined && receipt.choices !== undefined && receipt.revision !== undefined;
}

/** The file name the client saves a receipt under. */
export function receiptFileName(receipt: Pick<BallotReceipt, "pollId" | "leafIndex">): string {
  return `veche-receipt-poll${receipt.pollId}-leaf${receipt.leafIndex}.json`;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ReceiptFormatError("(json)");
  }
}
