import { expect } from "chai";
import { Signature, Wallet } from "ethers";
import { BALLOT_TYPES, ballotDomain, ballotMessage, encodePollContent } from "../../contracts/protocol";
import { createPoll, enrolVoter, eventually, http, signedBallot, startStack } from "./harness";
import type { Stack } from "./harness";
import type { ErrorBody } from "./residentHelpers";

type BallotBody = Awaited<ReturnType<typeof signedBallot>>;

describe("api ballot threats: refused with a 4xx, outbox and chain unchanged", function () {
  this.timeout(180_000);
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
  });

  const snapshot = async (pollIds: number[]) => ({
    outbox: await stack.api!.veche.ctx.outbox.countsByStatus(),
    polls: await Promise.all(
      pollIds.map(async (id) => ({
        ballots: (await stack.staff.poll(id)).ballots,
        tallies: await stack.staff.tallies(id),
        root: await stack.staff.ballotRoot(id),
      })),
    ),
  });

  /** Posts `ballot`, expects the refusal, and checks nothing moved a block later. */
  const refused = async (ballot: BallotBody, status: number, code: string, pollIds: number[]) => {
    const before = await snapshot(pollIds);
    const res = await http<ErrorBody>(stack, "POST", "/api/ballots", ballot);
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.error.code).to.equal(code);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await snapshot(pollIds)).to.deep.equal(before);
    return res.body;
  };

  const mined = async (ballot: BallotBody) => {
    const posted = await http<{ ballotId: string }>(stack, "POST", "/api/ballots", ballot);
    expect(posted.status).to.be.oneOf([200, 202]);
    await eventually(async () => {
      const got = await http<{ status: string }>(stack, "GET", `/api/ballots/${posted.body.ballotId}`);
      return got.body.status === "mined" ? true : null;
    });
  };

  const pollState = async (pollId: number, state: string) =>
    eventually(async () => {
      const got = await http<{ state: string }>(stack, "GET", `/api/polls/${pollId}`);
      return got.body.state === state ? true : null;
    });

  it("refuses a forged signature: altered choices, a stranger's key, a malleated signature", async () => {
    const [pollId, key] = await Promise.all([
      createPoll(stack, { questions: [{ options: 3, maxChoices: 1 }] }),
      enrolVoter(stack),
    ]);
    const signed = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n, revision: 1n });
    await refused({ ...signed, choices: "2" }, 403, "VOTER_NOT_ENROLLED", [pollId]);

    const stranger = await signedBallot(stack, Wallet.createRandom(), {
      pollId: BigInt(pollId),
      choices: 1n,
      revision: 1n,
    });
    await refused(stranger, 403, "VOTER_NOT_ENROLLED", [pollId]);

    // Same signer, high s: the contract refuses it, so the API must too.
    const sig = Signature.from(signed.signature);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = (n - BigInt(sig.s)).toString(16).padStart(64, "0");
    const high = `${sig.r}${highS}${sig.v === 27 ? "1c" : "1b"}`;
    await refused({ ...signed, signature: high }, 400, "BALLOT_INVALID_SIGNATURE", [pollId]);
    await refused({ ...signed, signature: `0x${"00".repeat(65)}` }, 400, "BALLOT_INVALID_SIGNATURE", [pollId]);
  });

  it("refuses a signature replayed into another poll", async () => {
    const [first, key] = await Promise.all([createPoll(stack), enrolVoter(stack)]);
    const second = await createPoll(stack);
    const signed = await signedBallot(stack, key, { pollId: BigInt(first), choices: 1n, revision: 1n });
    await refused({ ...signed, pollId: String(second) }, 403, "VOTER_NOT_ENROLLED", [first, second]);
  });

  it("refuses a ballot signed for another chain or another ballot box", async () => {
    const [pollId, key] = await Promise.all([createPoll(stack), enrolVoter(stack)]);
    const ballot = { pollId: BigInt(pollId), choices: 1n, revision: 1n };
    const { chainId, ballotBox } = stack.deployment;
    for (const domain of [
      ballotDomain(BigInt(chainId) + 1n, ballotBox),
      ballotDomain(chainId, Wallet.createRandom().address),
    ]) {
      const signature = await key.signTypedData(domain, BALLOT_TYPES, ballotMessage(ballot));
      await refused({ pollId: String(pollId), choices: "1", revision: "1", signature }, 403, "VOTER_NOT_ENROLLED", [
        pollId,
      ]);
    }
  });

  it("refuses a second vote where re-voting is off, before and after the first is mined", async () => {
    const [pollId, key] = await Promise.all([createPoll(stack, { revote: false }), enrolVoter(stack)]);
    const first = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n, revision: 1n });
    expect((await http(stack, "POST", "/api/ballots", first)).status).to.equal(202);
    const again = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 2n, revision: 1n });
    const res = await http<ErrorBody>(stack, "POST", "/api/ballots", again);
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("BALLOT_ALREADY_CAST");
    await mined(first);

    await refused(again, 409, "BALLOT_ALREADY_CAST", [pollId]);
    const revised = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 2n, revision: 2n });
    await refused(revised, 409, "BALLOT_ALREADY_CAST", [pollId]);
    expect(await stack.staff.tallies(pollId)).to.deep.equal([1n, 0n]);
  });

  it("refuses a vote outside the poll's window: closed, or not yet open", async () => {
    const [closed, key] = await Promise.all([createPoll(stack), enrolVoter(stack)]);
    await (await stack.staff.closePoll(closed)).wait();
    await pollState(closed, "Closed");
    const late = await signedBallot(stack, key, { pollId: BigInt(closed), choices: 1n, revision: 1n });
    const body = await refused(late, 409, "POLL_NOT_ACTIVE", [closed]);
    expect(body.error.details).to.deep.equal({ state: "Closed" });

    const text = (s: string) => ({ en: s, ru: s });
    const { uri, contentHash } = encodePollContent({
      title: text("Later poll"),
      description: text("Opens in an hour."),
      questions: [{ text: text("Q"), options: [text("A"), text("B")] }],
    });
    const now = (await stack.provider.getBlock("latest"))!.timestamp;
    await (
      await stack.staff.createPoll({
        contentHash,
        uri,
        start: now + 3600,
        end: now + 7200,
        questions: [{ options: 2, maxChoices: 1 }],
        districts: [],
        revote: false,
        points: 0,
      })
    ).wait();
    const pending = Number(await stack.staff.pollCount());
    await pollState(pending, "Pending");
    const early = await signedBallot(stack, key, { pollId: BigInt(pending), choices: 1n, revision: 1n });
    const earlyBody = await refused(early, 409, "POLL_NOT_ACTIVE", [pending]);
    expect(earlyBody.error.details).to.deep.equal({ state: "Pending" });
  });

  it("refuses a voter whose district is outside the poll's scope", async () => {
    const pollId = await createPoll(stack, { districts: [5, 6] });
    await pollState(pollId, "Active");
    const key = await enrolVoter(stack, 1);
    const ballot = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n, revision: 1n });
    await refused(ballot, 403, "VOTER_NOT_IN_SCOPE", [pollId]);
  });

  it("refuses an unknown choice or too many choices", async () => {
    const [pollId, key] = await Promise.all([
      createPoll(stack, { questions: [{ options: 2, maxChoices: 1 }] }),
      enrolVoter(stack),
    ]);
    for (const choices of [4n, 3n, 1n << 200n]) {
      const ballot = await signedBallot(stack, key, { pollId: BigInt(pollId), choices, revision: 1n });
      await refused(ballot, 400, "BALLOT_INVALID_CHOICES", [pollId]);
    }
  });

  it("refuses a re-vote whose revision is not above the counted one", async () => {
    const [pollId, key] = await Promise.all([createPoll(stack, { revote: true }), enrolVoter(stack)]);
    await mined(await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 1n, revision: 2n }));
    for (const revision of [2n, 1n]) {
      const stale = await signedBallot(stack, key, { pollId: BigInt(pollId), choices: 2n, revision });
      const body = await refused(stale, 409, "BALLOT_STALE_REVISION", [pollId]);
      expect(body.error.details).to.deep.equal({ lastRevision: 2 });
    }
    expect(await stack.staff.tallies(pollId)).to.deep.equal([1n, 0n]);
  });
});
