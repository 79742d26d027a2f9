import { expect } from "chai";
import { buildBallotTree, proofOf, treeRoot } from "../../contracts/protocol";
import { createPoll, enrolVoter, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";

interface BallotAnswer {
  ballotId: string;
  status: string;
  receipt: { leafIndex: number; leaf: string; txHash: string; block: number } | null;
}

describe("api ballots", function () {
  this.timeout(120_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  it("accepts a signed ballot, relays it and returns its receipt once mined", async () => {
    const pollId = await createPoll(stack);
    const key = await enrolVoter(stack);
    const body = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 2n, revision: 1n });
    const posted = await http<BallotAnswer>(stack, "POST", "/api/ballots", body);
    expect(posted.status).to.equal(202);
    expect(posted.body.status).to.equal("accepted");

    const mined = await eventually(
      async () => {
        const got = await http<BallotAnswer>(stack, "GET", `/api/ballots/${posted.body.ballotId}`);
        return got.body.status === "mined" ? got.body : null;
      },
      20_000,
      "ballot mined",
    );
    expect(mined.receipt?.leaf).to.equal(posted.body.ballotId);
    const onChainRoot = await stack.staff.ballotRoot(pollId);
    expect(onChainRoot).to.equal(treeRoot(buildBallotTree([mined.receipt!.leaf])));
    expect(proofOf(buildBallotTree([mined.receipt!.leaf]), 0).siblings).to.deep.equal([]);
    expect(await stack.staff.tallies(pollId)).to.deep.equal([0n, 1n]);

    const again = await http<BallotAnswer>(stack, "POST", "/api/ballots", body);
    expect(again.status).to.equal(200);
    expect(again.body.ballotId).to.equal(posted.body.ballotId);
  });
});
