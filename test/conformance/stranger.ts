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

/** Section 10.1: NFC, trimmed, whitespace runs made one space, lower case. */
export function normalizedBuilding(text: string): string {
  return text.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** Section 10.1: the first four bytes of the hash, big-endian; 0 is read as 1. */
export function buildingCodeOf(text: string): number {
  const code = parseInt(keccak256(stringToBytes(normalizedBuilding(text))).slice(2, 10), 16);
  return code === 0 ? 1 : code;
}

/** Section 10: an area's leaf in the census tree. */
export function censusAreaLeafOf(area: number, areaRoot: bigint, members: number): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "uint32" }, { type: "uint256" }, { type: "uint32" }], [area, areaRoot, members]),
  );
}

/**
 * Section 10.2: each area's commitments in resident order, its Semaphore group root (`groupRoot`, the
 * LeanIMT of Semaphore v4, given by the caller), and the census tree over the area leaves in ascending
 * area order.
 */
export function censusOf(
  members: readonly { resident: number; area: number; commitment: bigint }[],
  groupRoot: (commitments: readonly bigint[]) => bigint,
) {
  const byArea = new Map<number, { resident: number; commitment: bigint }[]>();
  for (const m of members) byArea.set(m.area, [...(byArea.get(m.area) ?? []), m]);
  const areas = [...byArea.keys()]
    .sort((a, b) => a - b)
    .map((area, index) => {
      const commitments = byArea
        .get(area)!
        .sort((a, b) => a.resident - b.resident)
        .map((m) => m.commitment);
      const root = groupRoot(commitments);
      return { area, index, commitments, root, leaf: censusAreaLeafOf(area, root, commitments.length) };
    });
  const leaves = areas.map((a) => a.leaf);
  return { areas, root: treeRoot(leaves), eligible: members.length, leaves };
}

const word = (value: bigint) => encodeAbiParameters([{ type: "uint256" }], [value]);

/** Section 10: the proof's scope and message, as numbers. */
export function secretScopeOf(chainId: number, ballotBox: Hex, pollId: bigint): bigint {
  return BigInt(
    keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "address" }, { type: "uint256" }],
        [BigInt(chainId), ballotBox, pollId],
      ),
    ),
  );
}

export function secretMessageOf(choices: bigint, revision: bigint): bigint {
  return BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [choices, revision])));
}

/** Section 10.4: a message or scope as a public signal, `keccak256(x) >> 8`. */
export function publicSignalOf(value: bigint): bigint {
  return BigInt(keccak256(word(value))) >> 8n;
}

/** Section 10: a secret ballot's leaf. */
export function secretLeafOf(b: {
  pollId: bigint;
  nullifier: bigint;
  choices: bigint;
  revision: bigint;
  area: number;
}) {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }, { type: "uint32" }],
      [b.pollId, b.nullifier, b.choices, b.revision, b.area],
    ),
  );
}

type RegistryEvent = { eventName: string; args: Record<string, unknown> };

/**
 * Section 10.2: the census members from the registry's events up to the snapshot (the caller reads
 * them to that block), replayed in chain order.
 */
export function censusMembersOf(events: readonly RegistryEvent[], districts: readonly number[], kind: string) {
  const residents = new Map<
    number,
    { key: string; active: boolean; district: number; commitment?: bigint; building?: number }
  >();
  for (const { eventName, args } of events) {
    const resident = Number(args.resident);
    const known = residents.get(resident);
    if (eventName === "VoterEnrolled") {
      const key = String(args.key).toLowerCase();
      residents.set(resident, { ...known, key, active: true, district: Number(args.district) });
    } else if (eventName === "VoterRevoked") {
      if (known && known.key === String(args.key).toLowerCase()) known.active = false;
    } else if (eventName === "IdentityCommitted" && known) {
      known.commitment = args.commitment as bigint;
      known.building = Number(args.building);
    }
  }
  const scope = new Set(districts);
  return [...residents]
    .filter(([, r]) => r.active && r.commitment !== undefined && (scope.size === 0 || scope.has(r.district)))
    .map(([resident, r]) => ({
      resident,
      area: kind === "building" ? r.building! : r.district,
      commitment: r.commitment!,
    }));
}

/** Section 10.4: each nullifier counts with its latest ballot, in its area and in total. */
export function secretRecount(
  ballots: readonly { nullifier: bigint; area: number; choices: bigint }[],
  totalOptions: number,
) {
  const latest = new Map<bigint, { area: number; choices: bigint }>();
  for (const b of ballots) latest.set(b.nullifier, b);
  const count = (picked: Iterable<{ choices: bigint }>) => {
    const tallies = Array.from({ length: totalOptions }, () => 0n);
    for (const { choices } of picked)
      for (let o = 0; o < totalOptions; o++) if ((choices >> BigInt(o)) & 1n) tallies[o]!++;
    return tallies;
  };
  const byArea = new Map<number, bigint[]>();
  for (const area of new Set([...latest.values()].map((b) => b.area))) {
    byArea.set(area, count([...latest.values()].filter((b) => b.area === area)));
  }
  return { tallies: count(latest.values()), byArea, voters: latest.size };
}
