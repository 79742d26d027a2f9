import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { startEmbeddedChain } from "../../../node/embedded/chain";
import type { EmbeddedChain, EmbeddedChainOptions } from "../../../node/embedded/chain";
import { ensureDeployed } from "../../../node/embedded/deploy";
import { ChainError } from "../../../node/embedded/errors";
import { isCompleteJsonFile } from "../../../node/embedded/stateFile";
import { rpcProvider, runVote, sleep, snapshot, tempDataDir } from "./voting";

describe("embedded chain: crashes", function () {
  this.timeout(120_000);
  const dataDirs: string[] = [];
  const running: EmbeddedChain[] = [];
  const start = async (options: Omit<EmbeddedChainOptions, "port">) => {
    const chain = await startEmbeddedChain({ ...options, port: 0 });
    running.push(chain);
    return chain;
  };
  const newDataDir = () => {
    const dir = tempDataDir();
    dataDirs.push(dir);
    return dir;
  };

  after(async () => {
    for (const chain of running) await chain.stop().catch(() => undefined);
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keeps ballots mined before a SIGKILL, even those mined after the last state dump", async () => {
    const dataDir = newDataDir();
    const deploymentsDir = path.join(dataDir, "deployments");
    // Dumps far apart: the ballots are surely mined after the last one.
    const first = await start({ dataDir, stateIntervalSeconds: 3600 });
    const deployment = await ensureDeployed({ rpcUrl: first.rpcUrl, deploymentsDir, keys: first.keys });
    const vote = await runVote(first, deployment, 5);
    const before = await snapshot(first, deployment, vote.pollId);
    // The archive copies a block within a moment of its mining; then the kill.
    await sleep(1000);
    await first.kill();

    const second = await start({ dataDir });
    const provider = rpcProvider(second);
    try {
      expect(fs.readFileSync(second.logFile, "utf8")).to.match(/sent again the \d+ transactions of blocks/);
      for (const hash of vote.ballotTxHashes) {
        expect((await provider.getTransactionReceipt(hash))?.status, hash).to.equal(1);
      }
      const after = await snapshot(second, deployment, vote.pollId);
      expect(after.logs.map((l) => [l.transactionHash, l.data])).to.deep.equal(
        before.logs.map((l) => [l.transactionHash, l.data]),
      );
      expect(after.tallies).to.deep.equal(before.tallies);
      expect(after.ballotRoot).to.equal(before.ballotRoot);
      expect(after.nonces).to.deep.equal(before.nonces);
      expect(after.recount).to.deep.equal({ tallies: after.tallies, root: after.ballotRoot });
    } finally {
      provider.destroy();
    }
  });

  it("restores a cut-off state file from the last good copy kept while running", async () => {
    const dataDir = newDataDir();
    const deploymentsDir = path.join(dataDir, "deployments");
    const first = await start({ dataDir, stateIntervalSeconds: 1 });
    const deployment = await ensureDeployed({ rpcUrl: first.rpcUrl, deploymentsDir, keys: first.keys });
    await sleep(3000);
    expect(await isCompleteJsonFile(first.lastGoodFile)).to.equal(true);
    await first.kill();
    // What a kill in the middle of anvil's in-place rewrite leaves behind.
    const cutAt = Math.floor(fs.statSync(first.stateFile).size / 2);
    fs.truncateSync(first.stateFile, cutAt);
    expect(await isCompleteJsonFile(first.stateFile)).to.equal(false);

    const second = await start({ dataDir });
    expect(second.restoredFromLastGood).to.equal(true);
    expect(fs.readFileSync(second.logFile, "utf8")).to.include("restored the chain state from the last good copy");
    const keptAside = fs
      .readdirSync(path.dirname(second.stateFile))
      .filter((name) => name.startsWith("state.cut-off-"));
    expect(keptAside).to.have.length(1);
    expect(fs.statSync(path.join(path.dirname(second.stateFile), keptAside[0] ?? "")).size).to.equal(cutAt);

    const provider = rpcProvider(second);
    try {
      expect(await provider.getCode(deployment.ballotBox)).to.not.equal("0x");
      expect(await provider.getBlockNumber()).to.be.at.least(deployment.deployedBlock);
    } finally {
      provider.destroy();
    }
    const again = await ensureDeployed({ rpcUrl: second.rpcUrl, deploymentsDir, keys: second.keys });
    expect(again.ballotBox).to.equal(deployment.ballotBox);
  });

  it("refuses a cut-off state file with no good copy, and leaves the file as it was", async () => {
    const dataDir = newDataDir();
    const stateFile = path.join(dataDir, "chain", "state.json");
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    const cutOff = '{"block":{"number":"0x1"},"accounts":{';
    fs.writeFileSync(stateFile, cutOff);

    const failure = await startEmbeddedChain({ dataDir, port: 0 }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(ChainError);
    expect((failure as ChainError).code).to.equal("CHAIN_STATE_CORRUPT");
    expect(fs.readFileSync(stateFile, "utf8")).to.equal(cutOff);
    expect(fs.existsSync(path.join(dataDir, "chain", "anvil.pid"))).to.equal(false);
  });

  it("reports CHAIN_START_FAILED with anvil's reason when it cannot load a whole but foreign state file", async () => {
    const dataDir = newDataDir();
    const stateFile = path.join(dataDir, "chain", "state.json");
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    fs.writeFileSync(stateFile, '{"not":"a chain state"}');

    const failure = await startEmbeddedChain({ dataDir, port: 0 }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(ChainError);
    expect((failure as ChainError).code).to.equal("CHAIN_START_FAILED");
    expect((failure as ChainError).message).to.include("failed to parse json file");
    expect(fs.readFileSync(stateFile, "utf8")).to.equal('{"not":"a chain state"}');
  });
});
