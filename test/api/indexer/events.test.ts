import { expect } from "chai";
import { Wallet } from "ethers";
import { ballotBoxInterface, ballotLeaf, parseBallotCast } from "../../../contracts/protocol";
import { decodeLog } from "../../../api/src/indexer/events";

describe("indexer's BallotCast decoding", () => {
  it("reads every field ethers' decoder reads, and the leaf the contract appends", () => {
    const voter = Wallet.createRandom().address;
    const signature = `0x${"cd".repeat(64)}1b`;
    const { data, topics } = ballotBoxInterface.encodeEventLog("BallotCast", [
      9n,
      voter,
      42n,
      7n,
      (1n << 200n) | 3n,
      2n,
      signature,
    ]);
    const log = {
      address: voter,
      topics,
      data,
      blockNumber: "0x10",
      blockHash: `0x${"11".repeat(32)}`,
      transactionHash: `0x${"22".repeat(32)}`,
      logIndex: "0x3",
    };
    const fast = decodeLog(log);
    const slow = parseBallotCast({ topics, data });
    expect(fast).to.deep.include({
      kind: "ballot",
      pollId: 9,
      voter,
      resident: 42,
      leafIndex: 7,
      choices: slow.choices,
      revision: 2,
      signature,
      block: 16,
      logIndex: 3,
    });
    expect(fast && "leaf" in fast ? fast.leaf : null).to.equal(ballotLeaf(slow));
  });
});

describe("indexer's outcome and redemption decoding", () => {
  const at = {
    address: Wallet.createRandom().address,
    blockNumber: "0x20",
    blockHash: `0x${"33".repeat(32)}`,
    transactionHash: `0x${"44".repeat(32)}`,
    logIndex: "0x5",
  };

  it("reads a published poll outcome: its hash and text URI", () => {
    const hash = `0x${"ab".repeat(32)}`;
    const log = { ...at, ...ballotBoxInterface.encodeEventLog("PollOutcomePublished", [4n, hash, "data:x"]) };
    expect(decodeLog(log)).to.deep.include({
      kind: "pollOutcome",
      pollId: 4,
      outcomeHash: hash,
      uri: "data:x",
      block: 32,
    });
  });

  it("reads a redemption with its cost and place on the chain, which a voucher derives from", () => {
    const log = { ...at, ...ballotBoxInterface.encodeEventLog("PointsRedeemed", [12n, 3n, 30n, 0n]) };
    expect(decodeLog(log)).to.deep.include({
      kind: "pointsRedeemed",
      resident: 12,
      rewardId: 3,
      cost: 30,
      txHash: at.transactionHash,
      logIndex: 5,
    });
  });
});
