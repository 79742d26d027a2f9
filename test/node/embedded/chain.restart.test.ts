import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { Wallet } from "ethers";
import { startEmbeddedChain } from "../../../node/embedded/chain";
import type { EmbeddedChain, EmbeddedChainOptions } from "../../../node/embedded/chain";
import { deploymentFile, ensureDeployed } from "../../../node/embedded/deploy";
import { rpcProvider, runVote, sleep, snapshot, tempDataDir } from "./voting";

describe("embedded chain: clean stop and restart", function () {
  this.timeout(120_000);
  const dataDirs: string[] = [];
  const running: EmbeddedChain[] = [];
  const start = async (options: Omit<EmbeddedChainOptions, "port">) => {
    const chain = await startEmbeddedChain({ ...options, port: 0 });
    running.push(chain);
    return chain;
  };

  after(async () => {
    for (const chain of running) await chain.stop().catch(() => undefined);
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("brings back code, blocks, receipts, BallotCast logs, nonces and tallies, and the height continues", async () => {
    const dataDir = tempDataDir();
    dataDirs.push(dataDir);
    const deploymentsDir = path.join(dataDir, "deployments");
    const first = await start({ dataDir });
    const deployment = await ensureDeployed({ rpcUrl: first.rpcUrl, deploymentsDir, keys: first.keys });
    const fileBefore = fs.readFileSync(deploymentFile(deploymentsDir, "localhost"), "utf8");
    const vote = await runVote(first, deployment, 6);
    const before = await snapshot(first, deployment, vote.pollId);
    expect(before.logs.map((log) => log.transactionHash)).to.deep.equal(vote.ballotTxHashes);
    expect(before.tallies).to.deep.equal([2n, 2n, 2n]);
    expect(before.recount).to.deep.equal({ tallies: before.tallies, root: before.ballotRoot });
    await first.stop();

    const second = await start({ dataDir });
    expect(second.restoredFromLastGood).to.equal(false);
    const provider = rpcProvider(second);
    try {
      const reloadedHeight = await provider.getBlockNumber();
      expect(reloadedHeight).to.be.at.least(before.blockNumber);

      const again = await ensureDeployed({ rpcUrl: second.rpcUrl, deploymentsDir, keys: second.keys });
      expect(again).to.deep.equal(deployment);
      expect(fs.readFileSync(deploymentFile(deploymentsDir, "localhost"), "utf8")).to.equal(fileBefore);

      const after = await snapshot(second, deployment, vote.pollId);
      expect(after.code).to.not.equal("0x");
      expect(after.code).to.equal(before.code);
      expect(after.logs).to.deep.equal(before.logs);
      expect(after.tallies).to.deep.equal(before.tallies);
      expect(after.ballotRoot).to.equal(before.ballotRoot);
      expect(after.recount).to.deep.equal(before.recount);
      // Same nonces: the second ensureDeployed sent no transaction.
      expect(after.nonces).to.deep.equal(before.nonces);

      for (const log of before.logs) {
        const receipt = await provider.getTransactionReceipt(log.transactionHash);
        expect(receipt?.status).to.equal(1);
        expect(receipt?.blockNumber).to.equal(log.blockNumber);
        expect((await provider.getBlock(log.blockNumber))?.hash).to.equal(log.blockHash);
      }

      // New blocks chain onto the reloaded ones.
      while ((await provider.getBlockNumber()) <= reloadedHeight) await sleep(200);
      const next = await provider.getBlock(reloadedHeight + 1);
      expect(next?.parentHash).to.equal((await provider.getBlock(reloadedHeight))?.hash);

      // And voting goes on, from another relayer.
      const more = await runVote(second, deployment, 2, 1);
      expect(more.pollId).to.equal(vote.pollId + 1n);
    } finally {
      provider.destroy();
    }
  });

  it("leaves an idle node's state file alone, and dumps again once a transaction is mined", async () => {
    const dataDir = tempDataDir();
    dataDirs.push(dataDir);
    const chain = await start({ dataDir, stateIntervalSeconds: 1 });
    const stateFile = path.join(dataDir, "chain", "state.json");
    const written = () => (fs.existsSync(stateFile) ? fs.statSync(stateFile).mtimeMs : 0);
    const provider = rpcProvider(chain);
    try {
      // The first dump after the start, then blocks keep coming every second with nothing in them.
      await sleep(2_500);
      const idleFrom = written();
      expect(idleFrom).to.be.greaterThan(0);
      await sleep(3_500);
      expect(written(), "an idle node's state was dumped again").to.equal(idleFrom);

      const staff = new Wallet(chain.keys.staff.privateKey, provider);
      await (await staff.sendTransaction({ to: staff.address, value: 1n })).wait();
      const deadline = Date.now() + 5_000;
      while (written() === idleFrom && Date.now() < deadline) await sleep(200);
      expect(written(), "a mined transaction did not make a dump due").to.be.greaterThan(idleFrom);
    } finally {
      provider.destroy();
    }
  });
});
