/**
 * One poll's ballot tree kept as flat layers (32 bytes a node, one growing Buffer per layer), the same
 * tree merkletreejs builds by default: inner node = hash(left ‖ right), a node without a sibling moves
 * up unchanged. Appending a batch rehashes only the new nodes and their ancestors; a proof is one read
 * per level. merkletreejs would rebuild every layer per addition and hold a Buffer object per node,
 * so it gets the leaves only when asked (`leafBuffers`), and the tests check both roots agree.
 */
import { hexlify } from "ethers";
import { ZERO_ROOT } from "../../../contracts/protocol";
import type { BallotProof, HashFn } from "../../../contracts/protocol";

const NODE = 32;

export class BallotLayers {
  private readonly layers: Buffer[] = [Buffer.alloc(0)];
  private readonly sizes: number[] = [0];
  private readonly pair = Buffer.alloc(2 * NODE);

  constructor(private readonly hash: HashFn) {}

  get size(): number {
    return this.sizes[0] ?? 0;
  }

  /** Appends leaves (32-byte Buffers) in leaf-index order. */
  append(leaves: readonly Buffer[]): void {
    if (leaves.length === 0) return;
    let first = this.size;
    this.ensure(0, first + leaves.length);
    const bottom = this.layers[0]!;
    leaves.forEach((leaf, i) => {
      if (leaf.length !== NODE) throw new RangeError("a leaf is 32 bytes");
      leaf.copy(bottom, (first + i) * NODE);
    });
    this.sizes[0] = first + leaves.length;

    for (let level = 0; (this.sizes[level] ?? 0) > 1; level++) {
      const size = this.sizes[level]!;
      const nodes = this.layers[level]!;
      const parentSize = Math.ceil(size / 2);
      const parentFirst = first >> 1;
      this.ensure(level + 1, parentSize);
      const parents = this.layers[level + 1]!;
      for (let p = parentFirst; p < parentSize; p++) {
        const left = 2 * p * NODE;
        if (2 * p + 1 < size) {
          nodes.copy(this.pair, 0, left, left + 2 * NODE);
          this.hash(this.pair).copy(parents, p * NODE);
        } else {
          nodes.copy(parents, p * NODE, left, left + NODE);
        }
      }
      this.sizes[level + 1] = parentSize;
      first = parentFirst;
    }
  }

  root(): string {
    const top = this.sizes.length - 1;
    if (this.size === 0) return ZERO_ROOT;
    return hexlify(this.layers[top]!.subarray(0, NODE));
  }

  leaf(index: number): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`no leaf ${index}`);
    return hexlify(this.layers[0]!.subarray(index * NODE, (index + 1) * NODE));
  }

  /** The siblings from the leaf up, skipping levels where the node has none (merkletreejs's getProof). */
  proof(leafIndex: number): BallotProof {
    if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.size) {
      throw new RangeError(`no leaf ${leafIndex} in a tree of ${this.size}`);
    }
    const siblings: string[] = [];
    let index = leafIndex;
    for (let level = 0; level < this.sizes.length - 1; level++) {
      const sibling = index ^ 1;
      if (sibling < this.sizes[level]!) {
        siblings.push(hexlify(this.layers[level]!.subarray(sibling * NODE, (sibling + 1) * NODE)));
      }
      index >>= 1;
    }
    return { leafIndex, ballots: this.size, siblings };
  }

  /** The leaves as Buffers, to hand to merkletreejs. */
  leafBuffers(): Buffer[] {
    const bottom = this.layers[0]!;
    return Array.from({ length: this.size }, (_, i) => Buffer.from(bottom.subarray(i * NODE, (i + 1) * NODE)));
  }

  /** Bytes held by the layers (capacity, not only the nodes in use). */
  get bytes(): number {
    return this.layers.reduce((sum, layer) => sum + layer.length, 0);
  }

  /** Grows layer `level` to hold `nodes` nodes, doubling so appends stay amortised O(1). */
  private ensure(level: number, nodes: number): void {
    while (this.layers.length <= level) {
      this.layers.push(Buffer.alloc(0));
      this.sizes.push(0);
    }
    const layer = this.layers[level]!;
    if (layer.length >= nodes * NODE) return;
    const grown = Buffer.alloc(Math.max(nodes, Math.ceil((layer.length / NODE) * 2), 64) * NODE);
    layer.copy(grown, 0, 0, (this.sizes[level] ?? 0) * NODE);
    this.layers[level] = grown;
  }
}
