import { expect } from "chai";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { pollStateAt, pollStateName } from "../../../contracts/protocol";
import { deployVecheFixture } from "../../fixtures";
import { pollParams } from "../helpers";

describe("poll state rule", () => {
  it("agrees with the contract at every second around start and end: start inclusive, end exclusive", async () => {
    const f = await loadFixture(deployVecheFixture);
    const now = await time.latest();
    const params = await pollParams({ start: now + 10, end: now + 20 });
    // Hardhat's clock may have run on since the fixture's snapshot: create the poll at a known time.
    await time.setNextBlockTimestamp(now + 1);
    await (await f.ballotBox.connect(f.pollAdmin).createPoll(params)).wait();
    const pollId = await f.ballotBox.pollCount();
    for (const at of [now + 9, now + 10, now + 11, now + 19, now + 20, now + 21]) {
      await time.setNextBlockTimestamp(at);
      await mine();
      const onChain = pollStateName(await f.ballotBox.state(pollId));
      const schedule = { start: params.start, end: params.end, cancelled: false, finalized: false };
      expect(pollStateAt(schedule, at), `at start${at - params.start >= 0 ? "+" : ""}${at - params.start}`).to.equal(
        onChain,
      );
    }
  });

  it("puts staff actions before the schedule and refuses a state the contract never returns", () => {
    const open = { start: 0, end: 100, cancelled: false, finalized: false };
    expect(pollStateAt({ ...open, cancelled: true }, 50)).to.equal("Cancelled");
    expect(pollStateAt({ ...open, finalized: true }, 500)).to.equal("Finalized");
    expect(() => pollStateName(5)).to.throw(RangeError);
  });
});
