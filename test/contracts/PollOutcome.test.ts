/** publishOutcome: what the city decided, published once by the poll admin after a poll ends. */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";
import { createPoll, deployVecheFixture } from "../fixtures";
import { ROLES, decodePollOutcome, encodePollOutcome } from "../../contracts/protocol";
import { State } from "./helpers";

const DECISION = encodePollOutcome({
  text: { en: "The street becomes pedestrian on weekends.", ru: "Улица станет пешеходной по выходным." },
});

describe("BallotBox: poll outcome", function () {
  it("publishes the outcome of a closed poll once, with its text and hash readable from the chain", async function () {
    const f = await loadFixture(deployVecheFixture);
    const admin = f.ballotBox.connect(f.pollAdmin);
    const pollId = await createPoll(f);
    await (await admin.closePoll(pollId)).wait();
    expect(await f.ballotBox.outcome(pollId)).to.deep.equal([ZeroHash, ""]);

    await expect(admin.publishOutcome(pollId, DECISION.outcomeHash, DECISION.uri))
      .to.emit(f.ballotBox, "PollOutcomePublished")
      .withArgs(pollId, DECISION.outcomeHash, DECISION.uri);
    const [hash, uri] = await f.ballotBox.outcome(pollId);
    expect(decodePollOutcome(uri, hash)?.text.ru).to.equal("Улица станет пешеходной по выходным.");

    const other = encodePollOutcome({ text: { en: "Changed", ru: "Изменено" } });
    await expect(admin.publishOutcome(pollId, other.outcomeHash, other.uri))
      .to.be.revertedWithCustomError(f.ballotBox, "PollOutcomeAlreadyPublished")
      .withArgs(pollId);
    expect((await f.ballotBox.outcome(pollId))[0]).to.equal(DECISION.outcomeHash);
  });

  it("publishes after finalization too, but never while the poll is pending, active or cancelled", async function () {
    const f = await loadFixture(deployVecheFixture);
    const admin = f.ballotBox.connect(f.pollAdmin);
    const pending = await createPoll(f, { startsIn: 3600 });
    const active = await createPoll(f);
    const cancelled = await createPoll(f);
    await (await admin.cancelPoll(cancelled)).wait();
    for (const [pollId, state] of [
      [pending, State.Pending],
      [active, State.Active],
      [cancelled, State.Cancelled],
    ] as const) {
      await expect(admin.publishOutcome(pollId, DECISION.outcomeHash, DECISION.uri))
        .to.be.revertedWithCustomError(f.ballotBox, "PollUnexpectedState")
        .withArgs(pollId, state);
    }
    const finalized = await createPoll(f, { durationSeconds: 100 });
    await time.increase(100);
    await (await admin.finalizePoll(finalized)).wait();
    await expect(admin.publishOutcome(finalized, DECISION.outcomeHash, DECISION.uri)).to.emit(
      f.ballotBox,
      "PollOutcomePublished",
    );
  });

  it("refuses a zero hash, an unknown poll and anyone but the poll admin", async function () {
    const f = await loadFixture(deployVecheFixture);
    const pollId = await createPoll(f, { durationSeconds: 100 });
    await time.increase(100);
    const admin = f.ballotBox.connect(f.pollAdmin);
    await expect(admin.publishOutcome(pollId, ZeroHash, DECISION.uri))
      .to.be.revertedWithCustomError(f.ballotBox, "PollOutcomeEmpty")
      .withArgs(pollId);
    await expect(admin.publishOutcome(99n, DECISION.outcomeHash, DECISION.uri))
      .to.be.revertedWithCustomError(f.ballotBox, "PollUnknown")
      .withArgs(99n);
    await expect(f.ballotBox.outcome(99n)).to.be.revertedWithCustomError(f.ballotBox, "PollUnknown");
    await expect(f.ballotBox.connect(f.relayer).publishOutcome(pollId, DECISION.outcomeHash, DECISION.uri))
      .to.be.revertedWithCustomError(f.ballotBox, "AccessControlUnauthorizedAccount")
      .withArgs(f.relayer.address, ROLES.pollAdmin);
  });

  it("decodes only an outcome text whose hash matches", function () {
    expect(decodePollOutcome(DECISION.uri, DECISION.outcomeHash)?.text.en).to.match(/pedestrian/);
    expect(decodePollOutcome(DECISION.uri, ZeroHash)).to.equal(null);
    expect(decodePollOutcome("https://example.org/outcome", DECISION.outcomeHash)).to.equal(null);
  });
});
