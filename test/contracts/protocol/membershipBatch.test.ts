import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import { proveMembership } from "../../../contracts/protocol/node/membershipProof";
import type { MembershipClaim } from "../../../contracts/protocol/node/membershipCheck";
import { MembershipBatchVerifier, SNARK_SCALAR_FIELD } from "../../../contracts/protocol/node/membershipBatch";

async function claim(seed: string, depth: number, message: bigint, scope: bigint): Promise<MembershipClaim> {
  const identities = [new Identity(`${seed}-a`), new Identity(`${seed}-b`), new Identity(`${seed}-c`)];
  const group = new Group(identities.map((i) => i.commitment));
  const proof = await proveMembership(identities[1]!, group, message, scope, depth);
  return {
    points: proof.points.map(BigInt),
    root: BigInt(proof.merkleTreeRoot),
    nullifier: BigInt(proof.nullifier),
    message,
    scope,
    depth,
  };
}

describe("protocol: membership proofs checked in batches", function () {
  this.timeout(120_000);
  let verifier: MembershipBatchVerifier;
  let valid: MembershipClaim[];

  before(async () => {
    verifier = await MembershipBatchVerifier.create();
    valid = [
      await claim("one", 4, 1n, 7n),
      await claim("two", 4, 2n, 7n),
      await claim("three", 10, 3n, 8n),
      await claim("four", 4, 4n, 9n),
    ];
  });
  after(() => verifier.close());

  it("accepts valid proofs of several depths in one call", async () => {
    expect(await verifier.verify(valid)).to.deep.equal([true, true, true, true]);
    expect(await verifier.verify([])).to.deep.equal([]);
  });

  it("names exactly the proofs that do not verify, wherever they sit in the batch", async () => {
    const [a, b, c, d] = valid as [MembershipClaim, MembershipClaim, MembershipClaim, MembershipClaim];
    const tampered: MembershipClaim[] = [
      a,
      { ...b, nullifier: b.nullifier + 1n }, // another nullifier than the proof's
      c,
      { ...d, message: d.message + 1n }, // another ballot than the proof's
      { ...a, scope: a.scope + 1n }, // another poll
      { ...b, root: c.root }, // another census
      { ...c, depth: 11 }, // another circuit
      { ...a, points: [...d.points] }, // another proof's points
      b,
      d,
    ];
    expect(await verifier.verify(tampered)).to.deep.equal([
      true,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it("refuses malformed proofs without throwing", async () => {
    const a = valid[0]!;
    const bad: MembershipClaim[] = [
      { ...a, points: a.points.map((p, i) => (i === 1 ? p + 1n : p)) }, // A off the curve
      { ...a, points: a.points.slice(0, 7) },
      { ...a, root: a.root + SNARK_SCALAR_FIELD }, // same root modulo the field
      { ...a, depth: 0 },
      { ...a, depth: 33 },
      { ...a, points: a.points.map((p, i) => (i === 2 ? -1n : p)) },
      a,
    ];
    expect(await verifier.verify(bad)).to.deep.equal([false, false, false, false, false, false, true]);
  });
});
