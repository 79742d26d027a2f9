import fs from "node:fs";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { startEmbeddedChain } from "../../../node/embedded/chain";
import type { EmbeddedChain } from "../../../node/embedded/chain";
import { tempDataDir } from "./voting";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("embedded chain: mining and the states it keeps", function () {
  this.timeout(60_000);
  let dataDir: string;
  let chain: EmbeddedChain;
  let front: JsonRpcProvider;
  // Straight from the node each time: the provider's own block number is cached.
  const head = async () => Number(await front.send("eth_blockNumber", []));

  before(async () => {
    dataDir = tempDataDir();
    chain = await startEmbeddedChain({ dataDir, port: 0, stateBlocks: 4 });
    front = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
  });

  after(async () => {
    front?.destroy();
    await chain?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("mines a block every second and keeps the state of only the latest `stateBlocks` blocks", async () => {
    const start = await head();
    await sleep(2_600);
    expect(await head()).to.be.within(start + 2, start + 3);

    for (let i = 0; i < 8; i++) await front.send("evm_mine", []);
    const top = await head();
    const account = chain.keys.deployer.address;
    const balanceAt = (block: number): Promise<string> =>
      front.send("eth_getBalance", [account, `0x${block.toString(16)}`]);
    expect(BigInt(await balanceAt(top - 2))).to.be.greaterThan(0n);
    // Under anvil's own interval mining the node would still hold this state (1,500 blocks' worth).
    const gone = await balanceAt(top - 7).then(
      () => null,
      (err: unknown) => err,
    );
    expect(gone, "state 7 blocks back").to.be.instanceOf(Error);
  });

  it("turns interval mining off and on through the front, as anvil does", async () => {
    expect(await front.send("anvil_getIntervalMining", [])).to.equal(1);
    await front.send("evm_setIntervalMining", [0]);
    expect(await front.send("anvil_getIntervalMining", [])).to.equal(null);
    const paused = await head();
    await sleep(2_200);
    expect(await head()).to.equal(paused);

    // Automine mines each transaction at once and no blocks on a timer.
    await front.send("evm_setAutomine", [true]);
    const signer = new Wallet(chain.keys.deployer.privateKey, front);
    const tx = await signer.sendTransaction({ to: chain.keys.staff.address, value: 1n });
    expect((await tx.wait())?.blockNumber).to.equal(paused + 1);
    await sleep(2_200);
    expect(await head()).to.equal(paused + 1);

    await front.send("evm_setIntervalMining", [1]);
    expect(await front.send("anvil_getAutomine", [])).to.equal(false);
    expect(await front.send("anvil_getIntervalMining", [])).to.equal(1);
    await sleep(2_600);
    expect(await head()).to.be.within(paused + 3, paused + 4);

    const refused = await front.send("evm_setIntervalMining", [-1]).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(Error);
    expect(await front.send("anvil_getIntervalMining", [])).to.equal(1);
  });
});
