import fs from "node:fs";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ballotDomain, connectBallotBox, parseReceipt } from "../../../contracts/protocol";
import { ballotLeafHex, BallotDigester } from "../../../contracts/protocol/node/ballotCodec";
import { buildVectors, VECTORS_FILE } from "../../../scripts/protocol/vectors";
import { deployVecheFixture } from "../../fixtures";

interface Vectors {
  domain: { chainId: number; verifyingContract: string; name: string; version: string };
  ballots: { pollId: string; choices: string; revision: string; digest: string; leaf: string; voter: string }[];
}

const file = () => JSON.parse(fs.readFileSync(VECTORS_FILE, "utf8")) as Vectors;

describe("protocol test vectors", () => {
  it("are what contracts/protocol computes (npm run protocol:vectors rewrites them)", async () => {
    expect(JSON.parse(JSON.stringify(await buildVectors()))).to.deep.equal(file());
  });

  it("hold for the native fast path too", () => {
    const { domain, ballots } = file();
    const digester = new BallotDigester(ballotDomain(domain.chainId, domain.verifyingContract));
    for (const b of ballots) {
      const ballot = { pollId: BigInt(b.pollId), choices: BigInt(b.choices), revision: BigInt(b.revision) };
      expect(`0x${digester.digest(ballot.pollId, ballot.choices, ballot.revision).toString("hex")}`).to.equal(b.digest);
      expect(ballotLeafHex({ ...ballot, voter: b.voter })).to.equal(b.leaf);
    }
  });

  it("give the digests the deployed contract computes at the vectors' address and chain", async () => {
    const f = await loadFixture(deployVecheFixture);
    const { domain, ballots } = file();
    expect(Number(f.chainId)).to.equal(domain.chainId);
    // The contract's EIP-712 domain follows the address its code runs at.
    await ethers.provider.send("hardhat_setCode", [domain.verifyingContract, await ethers.provider.getCode(f.address)]);
    const box = connectBallotBox(domain.verifyingContract, ethers.provider);
    const onChain = await box.eip712Domain();
    expect([onChain.name, onChain.version]).to.deep.equal([domain.name, domain.version]);
    for (const b of ballots) expect(await box.ballotDigest(b.pollId, b.choices, b.revision)).to.equal(b.digest);
  });

  it("give the secret scope and message the deployed contract computes", async () => {
    const f = await loadFixture(deployVecheFixture);
    const { domain } = file();
    const { ballot } = (file() as unknown as { secret: { ballot: Record<string, string> } }).secret;
    await ethers.provider.send("hardhat_setCode", [domain.verifyingContract, await ethers.provider.getCode(f.address)]);
    const box = connectBallotBox(domain.verifyingContract, ethers.provider);
    expect((await box.secretScope(ballot.pollId!)).toString()).to.equal(ballot.scope);
    expect((await box.secretMessage(ballot.choices!, ballot.revision!)).toString()).to.equal(ballot.message);
  });

  it("carry a receipt the receipt parser takes as it is", () => {
    const vectors = file() as unknown as { receipt: Record<string, unknown> };
    expect(parseReceipt(vectors.receipt)).to.deep.equal(vectors.receipt);
  });
});
