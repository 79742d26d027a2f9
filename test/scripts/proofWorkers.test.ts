import { expect } from "chai";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";
import { CHUNK, checkOnAllCores } from "../../scripts/audit/proofWorkers";

describe("audit: membership proofs checked on every core", function () {
  this.timeout(120_000);

  it("gives each claim its own verdict, in order, across chunks and threads", async () => {
    const identities = [0, 1, 2].map((i) => new Identity(`proof-workers-${i}`));
    const group = new Group(identities.map((i) => i.commitment));
    const valid: MembershipClaim[] = [];
    for (const [i, identity] of identities.entries()) {
      const proof = await proveMembership(identity, group, BigInt(i), 11n, 4);
      valid.push({
        points: proof.points.map(BigInt),
        root: BigInt(proof.merkleTreeRoot),
        nullifier: BigInt(proof.nullifier),
        message: BigInt(i),
        scope: 11n,
        depth: 4,
      });
    }
    const count = 3 * CHUNK + 17;
    // Bad proofs in the first, a middle and the last chunk, each of another kind.
    const bad = new Map<number, (c: MembershipClaim) => MembershipClaim>([
      [0, (c) => ({ ...c, nullifier: c.nullifier + 1n })],
      [CHUNK + 5, (c) => ({ ...c, message: c.message + 1n })],
      [2 * CHUNK, (c) => ({ ...c, points: c.points.map((p, i) => (i === 1 ? p + 1n : p)) })],
      [count - 1, (c) => ({ ...c, scope: 12n })],
    ]);
    const claims = Array.from({ length: count }, (_, i) => {
      const claim = valid[i % valid.length]!;
      return bad.get(i)?.(claim) ?? claim;
    });

    const verdicts = await checkOnAllCores(claims, 3);

    expect(verdicts).to.have.length(count);
    expect(verdicts.flatMap((ok, i) => (ok ? [] : [i]))).to.deep.equal([...bad.keys()]);
  });
});
