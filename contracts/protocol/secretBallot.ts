/**
 * A secret ballot, as contracts/interfaces/ISecretBallots.sol checks it: the Semaphore v4 proof's scope
 * binds the poll, contract and chain (so its nullifier is unique to identity, poll, contract and
 * chain), its message binds the choices and revision, and the leaf carries the nullifier instead of a
 * voter key.
 */
import { AbiCoder, getAddress, keccak256 } from "ethers";

const coder = AbiCoder.defaultAbiCoder();

/** The smallest and largest tree depths Semaphore's circuits and verifier take. */
export const MIN_PROOF_DEPTH = 1;
export const MAX_PROOF_DEPTH = 32;

/** keccak256(abi.encode(chainId, ballotBox, pollId)) as a number: the proofs' scope in a poll. */
export function secretScope(chainId: bigint | number, ballotBox: string, pollId: bigint | number): bigint {
  return BigInt(keccak256(coder.encode(["uint256", "address", "uint256"], [chainId, getAddress(ballotBox), pollId])));
}

/** keccak256(abi.encode(choices, revision)) as a number: what a proof's message binds. */
export function secretMessage(choices: bigint, revision: bigint): bigint {
  return BigInt(keccak256(coder.encode(["uint256", "uint256"], [choices, revision])));
}

/** Semaphore's hash of a message or scope into the SNARK field: keccak256 of its word, shifted right 8 bits. */
export function snarkHash(value: bigint): bigint {
  return BigInt(keccak256(coder.encode(["uint256"], [value]))) >> 8n;
}

/** keccak256(abi.encode(pollId, nullifier, choices, revision, area)): the ballot's leaf. */
export function secretBallotLeaf(b: {
  pollId: bigint;
  nullifier: bigint;
  choices: bigint;
  revision: bigint;
  area: number;
}): string {
  return keccak256(
    coder.encode(
      ["uint256", "uint256", "uint256", "uint256", "uint32"],
      [b.pollId, b.nullifier, b.choices, b.revision, b.area],
    ),
  );
}

/** The circuit depth a proof for a group of `members` needs (a group of one still needs depth 1). */
export function proofDepthFor(members: number): number {
  return Math.min(MAX_PROOF_DEPTH, Math.max(MIN_PROOF_DEPTH, Math.ceil(Math.log2(Math.max(1, members)))));
}

/** A secret poll's options in all, at most: the nullifier's record keeps revision and area beside its choices. */
export const MAX_SECRET_OPTIONS = 216;
