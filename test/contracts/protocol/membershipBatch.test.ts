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

  it("refuses, when asked to check subgroups as the chain does, a G2 point on the curve but outside the group", async () => {
    const checking = await MembershipBatchVerifier.create({ checkSubgroups: true });
    const [x, y] = await twistPointOutsideG2();
    const a = valid[0]!;
    // Semaphore packs each G2 coordinate imaginary part first.
    const outside = {
      ...a,
      points: [a.points[0]!, a.points[1]!, x[1]!, x[0]!, y[1]!, y[0]!, a.points[6]!, a.points[7]!],
    };
    expect(await checking.verify([...valid, outside])).to.deep.equal([true, true, true, true, false]);
  });
});

/** The few calls of ffjavascript's curve used below; it ships no types. */
type Bytes = Uint8Array;
interface TwistCurve {
  F2: {
    n8: number;
    random(): Bytes;
    add(a: Bytes, b: Bytes): Bytes;
    mul(a: Bytes, b: Bytes): Bytes;
    square(a: Bytes): Bytes;
    isSquare(a: Bytes): boolean;
    sqrt(a: Bytes): Bytes;
  };
  G2: {
    b: Bytes;
    isZero(p: Bytes): boolean;
    timesScalar(p: Bytes, s: bigint): Bytes;
    toAffine(p: Bytes): Bytes;
    toObject(p: Bytes): bigint[][];
  };
  terminate(): Promise<void>;
}

/** A point of the twist y² = x³ + b' whose order is not the group's: the twist's cofactor is not 1. */
async function twistPointOutsideG2(): Promise<[bigint[], bigint[]]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildBn128 } = require("ffjavascript") as { buildBn128: (single: boolean) => Promise<TwistCurve> };
  const curve = await buildBn128(true);
  try {
    const F2 = curve.F2;
    for (;;) {
      const x = F2.random();
      const rhs = F2.add(F2.mul(F2.square(x), x), curve.G2.b);
      if (!F2.isSquare(rhs)) continue;
      const point = new Uint8Array(F2.n8 * 2);
      point.set(x);
      point.set(F2.sqrt(rhs), F2.n8);
      if (curve.G2.isZero(curve.G2.timesScalar(point, SNARK_SCALAR_FIELD))) continue;
      const [px, py] = curve.G2.toObject(curve.G2.toAffine(point));
      return [px!, py!];
    }
  } finally {
    await curve.terminate();
  }
}
