import fs from "node:fs";
import { expect } from "chai";
import { JsonRpcProvider, Transaction, Wallet } from "ethers";
import { BUSY_BLOCK } from "../../../node/embedded/miner";
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
    // About one a second, with room for a slow machine's timers.
    expect(await head()).to.be.within(start + 1, start + 4);

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
    expect(await head()).to.be.within(paused + 2, paused + 5);

    const refused = await front.send("evm_setIntervalMining", [-1]).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(Error);
    expect(await front.send("anvil_getIntervalMining", [])).to.equal(1);
  });
  it("mines a busy pool at once, in blocks that keep to the wall clock's second", async () => {
    // With a 100-second interval, only a busy pool can make a block within this test.
    await front.send("evm_setIntervalMining", [0]);
    const before = await head();
    const sender = new Wallet(chain.keys.registrar.privateKey);
    let nonce = Number(await front.send("eth_getTransactionCount", [sender.address, "pending"]));
    const count = BUSY_BLOCK + 100;
    const raws = await Promise.all(
      Array.from({ length: count }, () =>
        sender.signTransaction(
          Transaction.from({
            type: 0,
            to: chain.keys.staff.address,
            value: 1n,
            nonce: nonce++,
            gasLimit: 21_000n,
            gasPrice: 10_000_000_000n,
            chainId: BigInt(chain.chainId),
          }),
        ),
      ),
    );
    for (const raw of raws) await front.send("eth_sendRawTransaction", [raw]);
    await front.send("evm_setIntervalMining", [100]);
    const deadline = Date.now() + 10_000;
    while ((await head()) === before && Date.now() < deadline) await sleep(50);
    const block = (await front.send("eth_getBlockByNumber", [`0x${(before + 1).toString(16)}`, false])) as {
      transactions: string[];
      timestamp: string;
    } | null;
    expect(block, "a block mined for the busy pool").to.not.equal(null);
    expect(block!.transactions.length).to.be.at.least(BUSY_BLOCK);
    expect(Number(block!.timestamp)).to.be.at.most(Math.ceil(Date.now() / 1000));

    // Several blocks in one second share its timestamp rather than run ahead of the clock.
    for (let i = 0; i < 5; i++) await front.send("evm_mine", []);
    const latest = (await front.send("eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    expect(Number(latest.timestamp)).to.be.at.most(Math.ceil(Date.now() / 1000));
    await front.send("evm_setIntervalMining", [1]);
  });
});
