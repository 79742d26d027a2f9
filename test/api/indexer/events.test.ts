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
