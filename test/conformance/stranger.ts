/**
 * What an outside developer writes from contracts/protocol/PROTOCOL.md alone, with viem: no import of
 * Veche's code. The section numbers are PROTOCOL.md's. The conformance tests use it against the test
 * vectors and against a running API and chain, so the specification cannot drift from the code.
 */
import fs from "node:fs";
import path from "node:path";
import { concat, encodeAbiParameters, keccak256, parseAbi, stringToBytes, toHex } from "viem";
import type { Hex } from "viem";

const PROTOCOL_DIR = path.join(__dirname, "..", "..", "contracts", "protocol");
export const SPEC = fs.readFileSync(path.join(PROTOCOL_DIR, "PROTOCOL.md"), "utf8");

/** Section 2: the ABI block, parsed as it stands. */
export function specAbi() {
  const block = /```solidity\n([\s\S]*?)```/.exec(SPEC)?.[1] ?? "";
  return parseAbi(block.split("\n").filter((line) => line.trim() !== ""));
}

export function readVectors<T>(): T {
  return JSON.parse(fs.readFileSync(path.join(PROTOCOL_DIR, "vectors.json"), "utf8")) as T;
}

/** Section 5.2. */
export const BALLOT_TYPES = {
  Ballot: [
    { name: "pollId", type: "uint256" },
    { name: "choices", type: "uint256" },
    { name: "revision", type: "uint256" },
  ],
} as const;
export const REDEMPTION_TYPES = {
  Redemption: [
    { name: "rewardId", type: "uint256" },
    { name: "nonce", type: "uint256" },
  ],
} as const;
export const DOMAIN_TYPES = {
  EIP712Domain: [
    { name: "name", type: "string" },
    { name: "version", type: "string" },
    { name: "chainId", type: "uint256" },
    { name: "verifyingContract", type: "address" },
  ],
} as const;
export const domainOf = (chainId: number, ballotBox: Hex) =>
  ({ name: "Veche", version: "1", chainId, verifyingContract: ballotBox }) as const;

export interface Question {
  options: number;
  maxChoices: number;
}

/** Section 5.1: question q owns the next `options` bits; bit 0 is the least significant. */
export function choiceBitmap(questions: readonly Question[], selected: readonly (readonly number[])[]): bigint {
  let offset = 0;
  let bitmap = 0n;
  questions.forEach((q, i) => {
    for (const option of selected[i] ?? []) bitmap |= 1n << BigInt(offset + option);
    offset += q.options;
  });
  return bitmap;
}

/** Section 3.1. */
export function enrolmentText(e: { residentHash: Hex; key: Hex; chainId: number; ballotBox: Hex; issuedAt: string }) {
  return [
    "Veche voter key enrolment",
    `Resident: ${e.residentHash.toLowerCase()}`,
    `Voter key: ${e.key}`,
    `Chain: ${e.chainId}`,
    `Ballot box: ${e.ballotBox}`,
    `Issued at: ${e.issuedAt}`,
  ].join("\n");
}

/** Section 6. */
export function leafOf(b: { pollId: bigint; voter: Hex; choices: bigint; revision: bigint }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "uint256" }, { type: "uint256" }],
      [b.pollId, b.voter, b.choices, b.revision],
    ),
  );
}

const ZERO: Hex = `0x${"00".repeat(32)}`;
const parent = (left: Hex, right: Hex) => keccak256(concat([left, right]));

/** Section 6: pairs left to right, a last node without a partner moves up unchanged. */
function levels(leaves: readonly Hex[]): Hex[][] {
  const out = [[...leaves]];
  for (let level = out[0]!; level.length > 1;) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? parent(level[i]!, level[i + 1]!) : level[i]!);
    out.push(next);
    level = next;
  }
  return out;
}

export function treeRoot(leaves: readonly Hex[]): Hex {
  return leaves.length === 0 ? ZERO : levels(leaves).at(-1)![0]!;
}

/** Section 6.1: the siblings met on the way up, with their sides. */
export function proofOf(leaves: readonly Hex[], leafIndex: number) {
  const siblings: Hex[] = [];
  const positions: ("left" | "right")[] = [];
  let index = leafIndex;
  for (const level of levels(leaves).slice(0, -1)) {
    const sibling = index ^ 1;
    if (sibling < level.length) {
      siblings.push(level[sibling]!);
      positions.push(index % 2 === 1 ? "left" : "right");
    }
    index >>= 1;
  }
  return { siblings, positions };
}

/** Section 6.1's verification, as written there. */
export function rootFromProof(leaf: Hex, leafIndex: number, ballots: number, siblings: readonly Hex[]): Hex | null {
  let node = leaf;
  let index = leafIndex;
  let size = ballots;
  let k = 0;
  while (size > 1) {
    if (index % 2 === 1) node = parent(siblings[k++] ?? ZERO, node);
    else if (index + 1 < size) node = parent(node, siblings[k++] ?? ZERO);
    index = Math.floor(index / 2);
    size = Math.ceil(size / 2);
  }
  return k === siblings.length ? node : null;
}

/** Section 7.1: each resident counts with their latest ballot. */
export function recount(events: readonly { resident: number; choices: bigint }[], totalOptions: number) {
  const latest = new Map<number, bigint>();
  for (const e of events) latest.set(e.resident, e.choices);
  const tallies = Array.from(
    { length: totalOptions },
    (_, bit) => [...latest.values()].filter((c) => (c >> BigInt(bit)) & 1n).length,
  );
  return { tallies: tallies.map(BigInt), ballots: events.length, voters: latest.size };
}

export const POLL_STATES = ["Pending", "Active", "Closed", "Cancelled", "Finalized"] as const;

/** Section 4.2: the end is exclusive. */
export function pollState(p: { start: number; end: number; cancelled: boolean; finalized: boolean }, now: number) {
  if (p.cancelled) return "Cancelled";
  if (p.finalized) return "Finalized";
  return now < p.start ? "Pending" : now < p.end ? "Active" : "Closed";
}

const DATA_PREFIX = "data:application/json;base64,";

/** Section 4.1. */
export function pollTextUri(json: string): { uri: string; contentHash: Hex } {
  const bytes = stringToBytes(json);
  return { uri: DATA_PREFIX + Buffer.from(bytes).toString("base64"), contentHash: keccak256(bytes) };
}

/** Section 4.1: the text, or null when it does not hash to `contentHash`. */
export function readPollText(uri: string, contentHash: Hex): unknown {
  if (!uri.startsWith(DATA_PREFIX)) return null;
  const bytes = Buffer.from(uri.slice(DATA_PREFIX.length), "base64");
  return keccak256(toHex(bytes)) === contentHash.toLowerCase() ? (JSON.parse(bytes.toString("utf8")) as unknown) : null;
}
