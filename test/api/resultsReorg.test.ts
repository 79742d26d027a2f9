import { expect } from "chai";
import { Wallet } from "ethers";
import type { HDNodeWallet } from "ethers";
import { connectBallotBox, verifyBallotProof } from "../../contracts/protocol";
import type { BallotProof } from "../../contracts/protocol";
import { createPoll, enrolVoter, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";

interface ResultAnswer {
  ballots: number;
  root: string;
}
type ProofAnswer = BallotProof & { leaf: string; root: string; onChainRoot: string };

describe("api results across a chain reorganisation", function () {
  this.timeout(180_000);
  let stack: Stack;

  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  /** Casts straight through a relayer key (a fresh wallet each time, so a reverted nonce is read anew). */
  const cast = async (pollId: number, key: HDNodeWallet, choices = 1n) => {
    const relayer = connectBallotBox(
      stack.deployment.ballotBox,
      new Wallet(stack.chain.keys.relayers[7]!.privateKey, stack.provider),
    );
    const b = await signedBallot(stack, key, { pollId: BigInt(pollId), choices, revision: 1n });
    return (await (await relayer.castBallot(b.pollId, b.choices, b.revision, b.signature)).wait())!.hash;
  };
  const result = async (pollId: number) => (await http<ResultAnswer>(stack, "GET", `/api/polls/${pollId}/result`)).body;

  it("forgets the ballots of abandoned blocks and proves the ones that replace them", async () => {
    const pollId = await createPoll(stack);
    const [a, b] = [await enrolVoter(stack), await enrolVoter(stack)];
    await cast(pollId, a);
    await eventually(async () => ((await result(pollId)).ballots === 1 ? true : null), 20_000, "first ballot indexed");

    const snapshot = (await stack.provider.send("evm_snapshot", [])) as string;
    const abandonedTx = await cast(pollId, b);
    await eventually(async () => ((await result(pollId)).ballots === 2 ? true : null), 20_000, "second ballot indexed");
    await stack.provider.send("evm_revert", [snapshot]);

    // Interval mining grows the chain past the index's cursor, whose block hash then no longer matches.
    const afterRevert = await eventually(
      async () => {
        const r = await result(pollId);
        return r.ballots === 1 ? r : null;
      },
      60_000,
      "reorganisation followed",
    );
    expect(afterRevert.root).to.equal(await stack.staff.ballotRoot(pollId));

    // The resident votes again after the lost block, this time for the other option.
    const replacementTx = await cast(pollId, b, 2n);
    expect(replacementTx).to.not.equal(abandonedTx);
    await eventually(async () => ((await result(pollId)).ballots === 2 ? true : null), 30_000, "replacement indexed");
    const rows = (
      await http<{ ballots: { txHash: string; choices: string }[] }>(stack, "GET", `/api/polls/${pollId}/ballots`)
    ).body.ballots;
    expect(rows.map((r) => r.choices)).to.deep.equal(["1", "2"]);
    expect(rows[1]?.txHash).to.equal(replacementTx);
    const proof = (await http<ProofAnswer>(stack, "GET", `/api/polls/${pollId}/proof/1`)).body;
    expect(verifyBallotProof(proof.leaf, proof, await stack.staff.ballotRoot(pollId))).to.equal(true);
  });
});
