import { expect } from "chai";
import { SecretCount } from "../../../contracts/protocol";
import type { CastSecretBallot } from "../../../contracts/protocol";

const ballot = (
  leafIndex: number,
  nullifier: bigint,
  area: number,
  choices: bigint,
  revision: bigint,
): CastSecretBallot => ({
  pollId: 7n,
  leafIndex,
  nullifier,
  area,
  choices,
  revision,
});
const codes = (count: SecretCount, b: CastSecretBallot) => count.add(b).map((p) => p.code);

describe("protocol: how a secret poll's ballots count", () => {
  it("in a re-vote poll, counts a nullifier's latest higher revision, in its area", () => {
    const count = new SecretCount(2, true, [101, 102]);
    expect(codes(count, ballot(0, 1n, 101, 1n, 1n))).to.deep.equal([]);
    expect(codes(count, ballot(1, 2n, 102, 1n, 1n))).to.deep.equal([]);
    expect(codes(count, ballot(2, 1n, 101, 2n, 3n))).to.deep.equal([]);
    expect(codes(count, ballot(3, 1n, 101, 1n, 3n))).to.deep.equal(["REVISION_INVALID"]);
    expect(codes(count, ballot(4, 1n, 102, 1n, 4n))).to.deep.equal(["AREA_CHANGED"]);
    expect(codes(count, ballot(5, 3n, 103, 1n, 1n))).to.deep.equal(["AREA_UNKNOWN"]);
    expect(codes(count, ballot(7, 4n, 101, 1n, 0x10000n))).to.deep.equal(["LEAF_INDEX_MISMATCH", "REVISION_INVALID"]);

    expect(count.total.tallies()).to.deep.equal([1n, 1n]);
    expect(count.total.voters).to.equal(2);
    expect(count.area(101).tallies()).to.deep.equal([0n, 1n]);
    expect(count.area(102).tallies()).to.deep.equal([1n, 0n]);
    expect(count.area(103).voters).to.equal(0);
    // Every ballot read is a leaf of the ballot tree, counted or not.
    expect(count.leaves).to.have.length(7);
  });

  it("in a one-vote poll, counts a nullifier once, with revision 1", () => {
    const count = new SecretCount(2, false, [101]);
    expect(codes(count, ballot(0, 1n, 101, 1n, 2n))).to.deep.equal(["REVISION_INVALID"]);
    expect(codes(count, ballot(1, 1n, 101, 1n, 1n))).to.deep.equal([]);
    expect(codes(count, ballot(2, 1n, 101, 2n, 2n))).to.deep.equal(["REVISION_INVALID"]);
    expect(count.total.tallies()).to.deep.equal([1n, 0n]);
  });
});
