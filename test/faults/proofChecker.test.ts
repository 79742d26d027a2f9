/**
 * The API's own proof checker, a child process: it gives the chain's verdicts (valid in, forged out),
 * the intake never waits on a checker that is starting, gone or stuck (the node's check stands in),
 * and a checker that is killed or stuck is replaced by itself.
 */
import { expect } from "chai";
import pino from "pino";
import { Identity } from "@semaphore-protocol/identity";
import { Group } from "@semaphore-protocol/group";
import { proveMembership } from "../../contracts/protocol/node/membershipProof";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";
import { MembershipBatchVerifier } from "../../contracts/protocol/node/membershipBatch";
import { Metrics } from "../../api/src/metrics";
import { LocalProofVerifier } from "../../api/src/secret/localProofVerifier";
import type { MembershipVerifier } from "../../api/src/secret/proofVerifier";

/** The stand-in for the node: the same batch check, in this process, counting what it was asked. */
class InProcessVerifier implements MembershipVerifier {
  asked = 0;
  constructor(private readonly verifier: MembershipBatchVerifier) {}
  async verify(claim: MembershipClaim): Promise<boolean> {
    this.asked++;
    return (await this.verifier.verify([claim]))[0]!;
  }
}

async function checks(metrics: Metrics): Promise<{ api: number; ready: number }> {
  const text = await metrics.registry.metrics();
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    api: value(/^veche_proof_checks_total\{by="api"\} (\d+)$/m),
    ready: value(/^veche_proof_checker_ready (\d+)$/m),
  };
}

async function until<T>(probe: () => Promise<T | null>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("api proof checker: a child process that gives the chain's verdicts and comes back when killed", function () {
  this.timeout(180_000);
  let claims: MembershipClaim[];
  let inProcess: MembershipBatchVerifier;

  before(async () => {
    const identities = ["a", "b", "c"].map((s) => new Identity(`checker-${s}`));
    const group = new Group(identities.map((i) => i.commitment));
    claims = [];
    for (const [i, identity] of identities.entries()) {
      const proof = await proveMembership(identity, group, BigInt(i + 1), 77n, 4);
      claims.push({
        points: proof.points.map(BigInt),
        root: BigInt(proof.merkleTreeRoot),
        nullifier: BigInt(proof.nullifier),
        message: BigInt(i + 1),
        scope: 77n,
        depth: 4,
      });
    }
    inProcess = await MembershipBatchVerifier.create();
  });

  it("checks in its own process once started, refusing forged proofs, and is replaced after a SIGKILL or when stuck", async () => {
    const metrics = new Metrics();
    const node = new InProcessVerifier(inProcess);
    const checker = new LocalProofVerifier(node, metrics, pino({ level: "silent" }), 2_000);
    try {
      const forged = { ...claims[0]!, message: 999n };
      // The first claim starts the checker; until it is ready the node's check answers.
      expect(await checker.verify(claims[0]!)).to.equal(true);
      expect(node.asked).to.equal(1);
      await until(async () => ((await checks(metrics)).ready === 1 ? true : null), "the checker to start");

      const asked = node.asked;
      const verdicts = await Promise.all(
        [...claims, forged, { ...claims[1]!, nullifier: 5n }].map((c) => checker.verify(c)),
      );
      expect(verdicts).to.deep.equal([true, true, true, false, false]);
      expect(node.asked, "claims the node had to check").to.equal(asked);
      expect((await checks(metrics)).api).to.equal(5);

      // Killed mid-stream: every claim still gets its verdict (from the node meanwhile), and the checker returns.
      const pid = checker.checkerPid!;
      process.kill(pid, "SIGKILL");
      const during = await Promise.all([claims[2]!, forged].map((c) => checker.verify(c)));
      expect(during).to.deep.equal([true, false]);
      await until(
        async () => ((await checks(metrics)).ready === 1 && checker.checkerPid !== pid ? true : null),
        "the checker to come back",
      );
      const before = node.asked;
      expect(await checker.verify(claims[1]!)).to.equal(true);
      expect(node.asked).to.equal(before);

      // Stuck (SIGSTOP): its batch times out, the node answers, and a new checker takes over.
      const stuck = checker.checkerPid!;
      process.kill(stuck, "SIGSTOP");
      expect(await Promise.all([claims[0]!, forged].map((c) => checker.verify(c)))).to.deep.equal([true, false]);
      expect(node.asked).to.equal(before + 2);
      await until(
        async () => ((await checks(metrics)).ready === 1 && checker.checkerPid !== stuck ? true : null),
        "a new checker after the stuck one",
      );
    } finally {
      await checker.stop();
    }
    expect(checker.checkerPid).to.equal(null);
  });
});
