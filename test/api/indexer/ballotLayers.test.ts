import { expect } from "chai";
import fc from "fast-check";
import { keccak256, toBeHex } from "ethers";
import { buildBallotTree, proofOf, treeRoot, ZERO_ROOT } from "../../../contracts/protocol";
import { BallotLayers } from "../../../api/src/indexer/ballotLayers";
import { keccak256Native as nativeKeccak } from "../../../contracts/protocol/node/native";

const leafAt = (i: number) => keccak256(toBeHex(i + 1, 32));

describe("indexer ballot layers", () => {
  it("hashes with native keccak exactly as ethers does", () => {
    for (const size of [0, 1, 64, 128, 200]) {
      const data = Buffer.alloc(size, size % 251);
      expect(`0x${nativeKeccak(data).toString("hex")}`).to.equal(keccak256(data));
    }
  });

  it("keeps merkletreejs's root and proofs however the leaves arrive in batches", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }), (batches) => {
        const layers = new BallotLayers(nativeKeccak);
        const leaves: string[] = [];
        for (const n of batches) {
          const added = Array.from({ length: n }, (_, i) => leafAt(leaves.length + i));
          leaves.push(...added);
          layers.append(added.map((l) => Buffer.from(l.slice(2), "hex")));
          const tree = buildBallotTree(leaves);
          expect(layers.root()).to.equal(treeRoot(tree));
          for (let i = 0; i < leaves.length; i++) expect(layers.proof(i)).to.deep.equal(proofOf(tree, i));
        }
        expect(treeRoot(buildBallotTree(layers.leafBuffers(), nativeKeccak))).to.equal(layers.root());
      }),
      { numRuns: 25 },
    );
  });

  it("has the contract's zero root when empty and refuses proofs of absent leaves", () => {
    const layers = new BallotLayers(nativeKeccak);
    expect(layers.root()).to.equal(ZERO_ROOT);
    expect(() => layers.proof(0)).to.throw(RangeError);
  });
});
