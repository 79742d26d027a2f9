/**
 * The ballot tree: merkletreejs with its default options over the leaves in ballot order, which is
 * the tree contracts/libraries/BallotTree.sol keeps (a node without a sibling moves up unchanged).
 */
import { getBytes, hexlify, keccak256 } from "ethers";
import { MerkleTree } from "merkletreejs";

export type HashFn = (data: Buffer) => Buffer;

export const ZERO_ROOT = `0x${"00".repeat(32)}`;

/** keccak256 in plain JS; audits of large polls pass a native one. */
export const keccakBuffer: HashFn = (data) => Buffer.from(getBytes(keccak256(data)));

export function buildBallotTree(leaves: readonly (string | Buffer)[], hash: HashFn = keccakBuffer): MerkleTree {
  const buffers = leaves.map((leaf) => (typeof leaf === "string" ? Buffer.from(getBytes(leaf)) : leaf));
  return new MerkleTree(buffers, hash);
}

/** The root as the contract reports it: zero for an empty tree. */
export function treeRoot(tree: MerkleTree): string {
  const root = tree.getRoot();
  return root.length === 0 ? ZERO_ROOT : hexlify(root);
}

/** Everything needed to check that the leaf at `leafIndex` is in a tree of `ballots` leaves. */
export interface BallotProof {
  leafIndex: number;
  ballots: number;
  /** Siblings from the leaf up, skipping levels where the node has none. */
  siblings: string[];
}

export function proofOf(tree: MerkleTree, leafIndex: number): BallotProof {
  const leaves = tree.getLeaves();
  const leaf = leaves[leafIndex];
  if (!leaf) throw new RangeError(`no leaf ${leafIndex} in a tree of ${leaves.length}`);
  // Passing the index skips merkletreejs's linear search for the leaf.
  const siblings = tree.getProof(leaf, leafIndex).map((step) => hexlify(step.data));
  return { leafIndex, ballots: leaves.length, siblings };
}

/** The root a proof leads to from `leaf`, or null when the proof has the wrong shape. */
export function rootFromProof(leaf: string, proof: BallotProof, hash: HashFn = keccakBuffer): string | null {
  const { leafIndex, ballots, siblings } = proof;
  if (!Number.isInteger(leafIndex) || !Number.isInteger(ballots) || leafIndex < 0 || leafIndex >= ballots) return null;
  let node = Buffer.from(getBytes(leaf));
  let index = leafIndex;
  let size = ballots;
  let used = 0;
  while (size > 1) {
    const isRight = index % 2 === 1;
    if (isRight || index + 1 < size) {
      const sibling = siblings[used++];
      if (sibling === undefined) return null;
      const other = Buffer.from(getBytes(sibling));
      node = hash(Buffer.concat(isRight ? [other, node] : [node, other]));
    }
    index = Math.floor(index / 2);
    size = Math.ceil(size / 2);
  }
  return used === siblings.length ? hexlify(node) : null;
}

export function verifyBallotProof(
  leaf: string,
  proof: BallotProof,
  root: string,
  hash: HashFn = keccakBuffer,
): boolean {
  const computed = rootFromProof(leaf, proof, hash);
  return computed !== null && computed.toLowerCase() === root.toLowerCase();
}
