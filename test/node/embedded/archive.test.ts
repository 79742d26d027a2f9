/**
 * The embedded chain's history beyond what anvil keeps in memory: anvil keeps only its latest blocks'
 * transactions, and the public endpoint answers older blocks, transactions, receipts and logs from the
 * archive, exactly as anvil answered them while it had them, across restarts and kills.
 */
import { expect } from "chai";
import { JsonRpcProvider, Transaction, Wallet } from "ethers";
import { startEmbeddedChain } from "../../../node/embedded/chain";
import type { EmbeddedChain } from "../../../node/embedded/chain";
import { ensureDeployed } from "../../../node/embedded/deploy";
import { NodeRpcClient } from "../../../contracts/protocol/node/rpc";
import { runVote, sleep, snapshot, tempDataDir } from "./voting";
import path from "node:path";
import fs from "node:fs";

const KEPT = 4;

/** A raw JSON-RPC call, answered as parsed JSON: the comparisons are of the node's exact fields. */
async function raw(url: string, method: string, params: unknown[]): Promise<unknown> {
  const rpc = new NodeRpcClient(url);
  try {
    return await rpc.call(method, params);
  } finally {
    rpc.close();
  }
}

const hex = (n: number) => `0x${n.toString(16)}`;

describe("embedded chain: history from the archive", function () {
  this.timeout(240_000);
  const running: EmbeddedChain[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const chain of running) await chain.stop().catch(() => undefined);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers history anvil has dropped exactly as anvil answered it, and keeps it across restarts and kills", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const options = { dataDir, port: 0, keptBlocks: KEPT, stateIntervalSeconds: 1 };
    const first = await startEmbeddedChain(options);
    running.push(first);
    const deployment = await ensureDeployed({
      rpcUrl: first.rpcUrl,
      deploymentsDir: path.join(dataDir, "deployments"),
      keys: first.keys,
    });
    const vote = await runVote(first, deployment, 3);
    const block = hex(vote.lastBallotBlock);
    const fresh = {
      block: await raw(first.nodeUrl, "eth_getBlockByNumber", [block, true]),
      receipts: await raw(first.nodeUrl, "eth_getBlockReceipts", [block]),
      receipt: await raw(first.nodeUrl, "eth_getTransactionReceipt", [vote.ballotTxHashes[0]]),
      tx: await raw(first.nodeUrl, "eth_getTransactionByHash", [vote.ballotTxHashes[0]]),
    };
    const before = await snapshot(first, deployment, vote.pollId);

    // More blocks with transactions than anvil keeps: the ballots' transactions leave its memory.
    for (let i = 0; i < KEPT + 2; i++) await runVote(first, deployment, 1);
    expect(await raw(first.nodeUrl, "eth_getTransactionReceipt", [vote.ballotTxHashes[0]])).to.equal(null);
    expect(await raw(first.rpcUrl, "eth_getBlockByNumber", [block, true])).to.deep.equal(fresh.block);
    expect(await raw(first.rpcUrl, "eth_getBlockReceipts", [block])).to.deep.equal(fresh.receipts);
    expect(await raw(first.rpcUrl, "eth_getTransactionReceipt", [vote.ballotTxHashes[0]])).to.deep.equal(fresh.receipt);
    expect(await raw(first.rpcUrl, "eth_getTransactionByHash", [vote.ballotTxHashes[0]])).to.deep.equal(fresh.tx);
    const byHash = (await raw(first.rpcUrl, "eth_getBlockByHash", [
      (fresh.block as { hash: string }).hash,
      true,
    ])) as object;
    expect(byHash).to.deep.equal(fresh.block);
    // Logs over the whole range, old and recent together, as an observer's recount reads them.
    const later = await snapshot(first, deployment, vote.pollId);
    expect(later.logs.slice(0, before.logs.length)).to.deep.equal(before.logs);
    expect(later.logs.length).to.equal(before.logs.length + KEPT + 2);

    // A clean stop and a start: the same history.
    await first.stop();
    const second = await startEmbeddedChain(options);
    running.push(second);
    expect(await raw(second.rpcUrl, "eth_getBlockByNumber", [block, true])).to.deep.equal(fresh.block);
    expect((await snapshot(second, deployment, vote.pollId)).logs).to.deep.equal(later.logs);

    // A kill: what anvil lost since its last dump, the archive forgets too; the rest stays.
    await runVote(second, deployment, 2);
    await second.kill();
    const third = await startEmbeddedChain(options);
    running.push(third);
    const provider = new JsonRpcProvider(third.rpcUrl, undefined, { staticNetwork: true });
    try {
      const head = await provider.getBlockNumber();
      for (let n = Math.max(0, head - 10); n <= head; n++) {
        const viaFront = (await raw(third.rpcUrl, "eth_getBlockByNumber", [hex(n), false])) as { hash: string };
        const viaNode = (await raw(third.nodeUrl, "eth_getBlockByNumber", [hex(n), false])) as { hash: string };
        expect(viaFront.hash, `block ${n}`).to.equal(viaNode.hash);
      }
      expect(await raw(third.rpcUrl, "eth_getBlockByNumber", [block, true])).to.deep.equal(fresh.block);
      const after = await snapshot(third, deployment, vote.pollId);
      expect(after.logs.slice(0, later.logs.length)).to.deep.equal(later.logs);
    } finally {
      provider.destroy();
    }
    await sleep(100);
  });

  it("answers each kind of transaction as anvil did, whether it was sent through the front or to the node", async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const chain = await startEmbeddedChain({ dataDir, port: 0, keptBlocks: KEPT });
    running.push(chain);
    const provider = new JsonRpcProvider(chain.rpcUrl, undefined, { staticNetwork: true });
    try {
      const sender = new Wallet(chain.keys.staff.privateKey, provider);
      const other = Wallet.createRandom();
      const chainId = (await provider.getNetwork()).chainId;
      const fee = await provider.getFeeData();
      let nonce = await provider.getTransactionCount(sender.address, "pending");
      const dynamicFee = { maxFeePerGas: fee.maxFeePerGas!, maxPriorityFeePerGas: 1n, chainId };
      const signed = [
        await sender.signTransaction({
          type: 0,
          to: other.address,
          value: 1n,
          nonce: nonce++,
          gasLimit: 21_000n,
          gasPrice: fee.gasPrice!,
          chainId,
        }),
        await sender.signTransaction({
          type: 1,
          to: other.address,
          value: 2n,
          nonce: nonce++,
          gasLimit: 30_000n,
          gasPrice: fee.gasPrice!,
          chainId,
          accessList: [{ address: other.address, storageKeys: [`0x${"11".repeat(32)}`] }],
        }),
        await sender.signTransaction({
          type: 2,
          to: other.address,
          value: 3n,
          nonce: nonce++,
          gasLimit: 21_000n,
          ...dynamicFee,
        }),
        // A contract creation: no `to`.
        await sender.signTransaction({
          type: 2,
          to: null,
          nonce: nonce++,
          gasLimit: 100_000n,
          data: "0x600a600c600039600a6000f3602a60005260206000f3",
          ...dynamicFee,
        }),
        await sender.signTransaction({
          type: 4,
          to: other.address,
          nonce: nonce++,
          gasLimit: 100_000n,
          authorizationList: [await sender.authorize({ address: other.address, nonce: nonce + 1, chainId })],
          ...dynamicFee,
        }),
      ];
      // Without a chain id in its signature (before EIP-155): archived as the node answered it.
      const unprotected = Transaction.from({
        type: 0,
        to: other.address,
        nonce: nonce++,
        gasLimit: 21_000n,
        gasPrice: fee.gasPrice!,
      });
      unprotected.signature = sender.signingKey.sign(unprotected.unsignedHash);
      signed.push(unprotected.serialized);
      // One sent to the node directly, which the front never saw.
      const direct = await sender.signTransaction({
        type: 2,
        to: other.address,
        value: 4n,
        nonce: nonce++,
        gasLimit: 21_000n,
        ...dynamicFee,
      });

      await raw(chain.rpcUrl, "evm_setIntervalMining", [0]);
      const hashes: string[] = [];
      for (const tx of signed) hashes.push((await raw(chain.rpcUrl, "eth_sendRawTransaction", [tx])) as string);
      hashes.push((await raw(chain.nodeUrl, "eth_sendRawTransaction", [direct])) as string);
      await raw(chain.rpcUrl, "evm_mine", []);
      const receipt = (await raw(chain.nodeUrl, "eth_getTransactionReceipt", [hashes[0]])) as { blockNumber: string };
      const block = receipt.blockNumber;
      const fresh = {
        block: await raw(chain.nodeUrl, "eth_getBlockByNumber", [block, true]),
        receipts: await raw(chain.nodeUrl, "eth_getBlockReceipts", [block]),
        txs: await Promise.all(hashes.map((h) => raw(chain.nodeUrl, "eth_getTransactionByHash", [h]))),
      };
      expect((fresh.block as { transactions: unknown[] }).transactions).to.have.length(signed.length + 1);

      // Blocks with transactions, until anvil no longer has this one's.
      for (let i = 0; i < KEPT + 2; i++) {
        await sender.sendTransaction({ to: other.address, value: 1n, nonce: nonce++, ...dynamicFee });
        await raw(chain.rpcUrl, "evm_mine", []);
      }
      await raw(chain.rpcUrl, "anvil_mine", ["0x1"]);
      expect(await raw(chain.nodeUrl, "eth_getTransactionByHash", [hashes[0]])).to.equal(null);
      expect(await raw(chain.rpcUrl, "eth_getBlockByNumber", [block, true])).to.deep.equal(fresh.block);
      expect(await raw(chain.rpcUrl, "eth_getBlockReceipts", [block])).to.deep.equal(fresh.receipts);
      for (const [i, hash] of hashes.entries()) {
        expect(await raw(chain.rpcUrl, "eth_getTransactionByHash", [hash]), `transaction ${i}`).to.deep.equal(
          fresh.txs[i],
        );
      }
    } finally {
      provider.destroy();
    }
  });
});
