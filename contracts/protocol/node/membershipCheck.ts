/**
 * Checking a Semaphore v4 membership proof as the ballot box does, but off-chain: the calldata of
 * `SemaphoreVerifier.verifyProof` for an `eth_call`, so the node's own pairing precompile does the work
 * (about a millisecond) instead of snarkjs in JavaScript (tens of milliseconds).
 */
import { keccak256Native as keccak256 } from "./native";
import { uintWord } from "./ballotCodec";
import type { MembershipClaim } from "../membershipBatch";

export type { MembershipClaim };

const SELECTOR = keccak256(Buffer.from("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[4],uint256)"))
  .subarray(0, 4)
  .toString("hex");

/** Semaphore's hash of a message or scope into the SNARK field: keccak256 of its word, shifted right 8 bits. */
export function snarkHash(value: bigint): bigint {
  return BigInt(`0x${keccak256(Buffer.from(uintWord(value), "hex")).toString("hex")}`) >> 8n;
}

/** ABI-encoded verifyProof(pA, pB, pC, [root, nullifier, hash(message), hash(scope)], depth) as 0x hex. */
export function verifyProofCalldata(c: MembershipClaim): string {
  if (c.points.length !== 8) throw new RangeError("a proof has eight points");
  const words = [...c.points, c.root, c.nullifier, snarkHash(c.message), snarkHash(c.scope), BigInt(c.depth)].map(
    uintWord,
  );
  return `0x${SELECTOR}${words.join("")}`;
}
