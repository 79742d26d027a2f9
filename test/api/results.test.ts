import { expect } from "chai";
import { buildBallotTree, encodeChoices, proofOf, treeRoot, verifyBallotProof } from "../../contracts/protocol";
import type { BallotProof } from "../../contracts/protocol";
import { createPoll, enrolVoter, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";

const QUESTIONS = [
  { options: 3, maxChoices: 1 },
  { options: 2, maxChoices: 2 },
];

interface BallotRow {
  leafIndex: number;
  leaf: string;
  voter: string;
  resident: number;
  choices: string;
  revision: number;
  txHash: string;
  block: number;
  time: string | null;
}
type ProofAnswer = BallotProof & { leaf: string; root: string; onChainRoot: string; finalRoot: string | null };
interface ResultAnswer {
  state: string;
  tallies: string[];
  ballots: number;
  voters: number;
  root: string;
  finalRoot: string | null;
  finalTallies: string[] | null;
}

describe("api results", function () {
  this.timeout(180_000);
  let stack: Stack;
  let pollId: number;
  const BALLOTS = 5;

  before(async () => {
    stack = await startStack();
    pollId = await createPoll(stack, { questions: QUESTIONS, revote: true });
    const keys = [await enrolVoter(stack), await enrolVoter(stack), await enrolVoter(stack)];
    const plan: [number, number[][], bigint][] = [
      [0, [[0], [0]], 1n],
      [1, [[1], [0, 1]], 1n],
      [2, [[2], [1]], 1n],
      [0, [[1], [1]], 2n],
      [2, [[0], [0, 1]], 2n],
    ];
    for (const [voter, selected, revision] of plan) {
      const body = await signedBallot(stack, keys[voter]!, {
        pollId: BigInt(pollId),
        choices: encodeChoices(QUESTIONS, selected),
        revision,
      });
      // Each re-vote must follow its first ballot on-chain, so wait for every ballot to be indexed.
      const posted = await http<{ ballotId: string }>(stack, "POST", "/api/ballots", body);
      expect(posted.status).to.equal(202);
      await eventually(
        async () => {
          const r = await http<{ status: string }>(stack, "GET", `/api/ballots/${posted.body.ballotId}`);
          return r.body.status === "mined" ? true : null;
        },
        30_000,
        "ballot mined",
      );
    }
    await eventually(
      async () =>
        (await http<ResultAnswer>(stack, "GET", `/api/polls/${pollId}/result`)).body.ballots === BALLOTS ? true : null,
      30_000,
      "ballots indexed",
    );
  });

  after(async () => {
    await stack?.stop();
  });

  const allBallots = async () =>
    (await http<{ ballots: BallotRow[]; total: number }>(stack, "GET", `/api/polls/${pollId}/ballots?limit=500`)).body;

  it("pages a poll's ballots in leaf order with their transactions and blocks", async () => {
    const first = await http<{ ballots: BallotRow[]; total: number }>(
      stack,
      "GET",
      `/api/polls/${pollId}/ballots?offset=0&limit=2`,
    );
    const rest = await http<{ ballots: BallotRow[]; total: number }>(
      stack,
      "GET",
      `/api/polls/${pollId}/ballots?offset=2&limit=2`,
    );
    const last = await http<{ ballots: BallotRow[]; total: number }>(
      stack,
      "GET",
      `/api/polls/${pollId}/ballots?offset=4&limit=2`,
    );
    expect(first.status).to.equal(200);
    expect(first.body.total).to.equal(BALLOTS);
    const rows = [...first.body.ballots, ...rest.body.ballots, ...last.body.ballots];
    expect(rows.map((b) => b.leafIndex)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(rows.map((b) => b.revision)).to.deep.equal([1, 1, 1, 2, 2]);
    for (const b of rows) {
      const receipt = await stack.provider.getTransactionReceipt(b.txHash);
      expect(receipt?.blockNumber).to.equal(b.block);
      expect(b.time).to.match(/^\d{4}-\d\d-\d\dT/);
    }
    const tooMany = await http<{ error: { code: string } }>(stack, "GET", `/api/polls/${pollId}/ballots?limit=501`);
    expect(tooMany.status).to.equal(400);
    expect(tooMany.body.error.code).to.equal("INVALID_REQUEST");
    const unknown = await http<{ error: { code: string } }>(stack, "GET", "/api/polls/999/ballots");
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal("POLL_NOT_FOUND");
  });

  it("serves proofs that verify against the ballot root read from the chain, from merkletreejs's tree", async () => {
    const { ballots } = await allBallots();
    const onChainRoot = await stack.staff.ballotRoot(pollId);
    const tree = buildBallotTree(ballots.map((b) => b.leaf));
    expect(treeRoot(tree)).to.equal(onChainRoot);
    for (const b of ballots) {
      const { status, body } = await http<ProofAnswer>(stack, "GET", `/api/polls/${pollId}/proof/${b.leafIndex}`);
      expect(status).to.equal(200);
      expect(body.leaf).to.equal(b.leaf);
      expect(body.root).to.equal(onChainRoot);
      expect(body.onChainRoot).to.equal(onChainRoot);
      expect(verifyBallotProof(b.leaf, body, onChainRoot)).to.equal(true);
      expect(body.siblings).to.deep.equal(proofOf(tree, b.leafIndex).siblings);
      expect(verifyBallotProof(ballots[(b.leafIndex + 1) % BALLOTS]!.leaf, body, onChainRoot)).to.equal(false);
    }
    const beyond = await http<{ error: { code: string } }>(stack, "GET", `/api/polls/${pollId}/proof/${BALLOTS}`);
    expect(beyond.status).to.equal(404);
    expect(beyond.body.error.code).to.equal("BALLOT_NOT_FOUND");
  });

  it("counts ballots per minute on the timeline", async () => {
    const { status, body } = await http<{ buckets: { minute: string; ballots: number }[] }>(
      stack,
      "GET",
      `/api/polls/${pollId}/timeline`,
    );
    expect(status).to.equal(200);
    expect(body.buckets.reduce((sum, b) => sum + b.ballots, 0)).to.equal(BALLOTS);
    const { ballots } = await allBallots();
    const minutes = new Set(ballots.map((b) => `${b.time!.slice(0, 16)}:00.000Z`));
    expect(body.buckets.map((b) => b.minute)).to.deep.equal([...minutes].sort());
  });

  it("publishes the recount, and after finalization the result equals PollFinalized", async () => {
    const live = (await http<ResultAnswer>(stack, "GET", `/api/polls/${pollId}/result`)).body;
    expect(live.state).to.equal("Active");
    expect(live.tallies).to.deep.equal((await stack.staff.tallies(pollId)).map(String));
    expect(live.voters).to.equal(3);
    expect(live.finalRoot).to.equal(null);

    await (await stack.staff.closePoll(pollId)).wait();
    const receipt = await (await stack.staff.finalizePoll(pollId)).wait();
    const event = receipt!.logs.map((l) => stack.staff.interface.parseLog(l)).find((e) => e?.name === "PollFinalized")!;
    const [, ballots, root, tallies] = event.args as unknown as [bigint, bigint, string, bigint[]];
    const final = await eventually(
      async () => {
        const r = (await http<ResultAnswer>(stack, "GET", `/api/polls/${pollId}/result`)).body;
        return r.state === "Finalized" ? r : null;
      },
      20_000,
      "finalization indexed",
    );
    expect(final.ballots).to.equal(Number(ballots));
    expect(final.root).to.equal(root);
    expect(final.finalRoot).to.equal(root);
    expect(final.tallies).to.deep.equal(tallies.map(String));
    expect(final.finalTallies).to.deep.equal(tallies.map(String));

    const proof = (await http<ProofAnswer>(stack, "GET", `/api/polls/${pollId}/proof/2`)).body;
    expect(proof.finalRoot).to.equal(root);
    expect(verifyBallotProof(proof.leaf, proof, root)).to.equal(true);
  });

  it("verifies a genuine receipt and rejects a tampered one", async () => {
    const { ballots } = await allBallots();
    const b = ballots[3]!;
    const receipt = {
      pollId,
      leafIndex: b.leafIndex,
      leaf: b.leaf,
      txHash: b.txHash,
      block: b.block,
      ballotBox: stack.deployment.ballotBox,
      chainId: stack.deployment.chainId,
    };
    type Verdict = {
      valid: boolean;
      problems: { code: string }[];
      includedInOnChainRoot: boolean;
      proof: ProofAnswer | null;
    };
    const good = await http<Verdict>(stack, "POST", "/api/receipts/verify", receipt);
    expect(good.status).to.equal(200);
    expect(good.body.problems).to.deep.equal([]);
    expect(good.body.valid).to.equal(true);
    expect(good.body.includedInOnChainRoot).to.equal(true);
    expect(verifyBallotProof(b.leaf, good.body.proof!, await stack.staff.ballotRoot(pollId))).to.equal(true);

    const tampered = await http<Verdict>(stack, "POST", "/api/receipts/verify", { ...receipt, leaf: ballots[0]!.leaf });
    expect(tampered.body.valid).to.equal(false);
    expect(tampered.body.problems.map((p) => p.code)).to.include.members(["LEAF_MISMATCH", "ROOT_MISMATCH"]);

    const otherChain = await http<Verdict>(stack, "POST", "/api/receipts/verify", { ...receipt, chainId: 1 });
    expect(otherChain.body.problems.map((p) => p.code)).to.deep.equal(["CHAIN_MISMATCH"]);
    const malformed = await http<{ error: { code: string } }>(stack, "POST", "/api/receipts/verify", {
      ...receipt,
      leaf: "0x12",
    });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.error.code).to.equal("INVALID_REQUEST");
  });

  it("rebuilds the trees from the stored index after a restart", async () => {
    const before = (await http<ResultAnswer>(stack, "GET", `/api/polls/${pollId}/result`)).body;
    await stack.stopApi();
    await stack.startApi();
    const after = (await http<ResultAnswer>(stack, "GET", `/api/polls/${pollId}/result`)).body;
    expect(after).to.deep.equal(before);
    const proof = (await http<ProofAnswer>(stack, "GET", `/api/polls/${pollId}/proof/4`)).body;
    expect(verifyBallotProof(proof.leaf, proof, await stack.staff.ballotRoot(pollId))).to.equal(true);
  });
});
