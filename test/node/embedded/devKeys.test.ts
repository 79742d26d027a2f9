import fs from "node:fs";
import { expect } from "chai";
import { startEmbeddedChain } from "../../../node/embedded/chain";
import type { EmbeddedChain } from "../../../node/embedded/chain";
import { allDevKeys, devKeysPath, loadDevKeys, RELAYER_COUNT } from "../../../node/embedded/devKeys";
import { ChainError } from "../../../node/embedded/errors";
import { rpcProvider, tempDataDir } from "./voting";

/** Account 0 of anvil's public default mnemonic. */
const ANVIL_DEFAULT_ACCOUNT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

describe("embedded chain: development keys", function () {
  this.timeout(60_000);
  const dataDirs: string[] = [];
  const running: EmbeddedChain[] = [];
  const newDataDir = () => {
    const dir = tempDataDir();
    dataDirs.push(dir);
    return dir;
  };

  after(async () => {
    for (const chain of running) await chain.stop().catch(() => undefined);
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("generates a private mnemonic once, readable by the owner only", () => {
    const dataDir = newDataDir();
    const keys = loadDevKeys(dataDir);
    expect(fs.statSync(devKeysPath(dataDir)).mode & 0o777).to.equal(0o600);
    expect(loadDevKeys(dataDir)).to.deep.equal(keys);
    expect(loadDevKeys(newDataDir()).mnemonic).to.not.equal(keys.mnemonic);
    expect(keys.relayers).to.have.length(RELAYER_COUNT);
    const addresses = allDevKeys(keys).map((key) => key.address);
    expect(new Set(addresses).size).to.equal(addresses.length);
    expect(addresses).to.not.include(ANVIL_DEFAULT_ACCOUNT);
  });

  it("funds every named key on the chain and not anvil's default accounts", async () => {
    const chain = await startEmbeddedChain({ dataDir: newDataDir(), port: 0 });
    running.push(chain);
    const provider = rpcProvider(chain);
    try {
      for (const key of allDevKeys(chain.keys)) expect(await provider.getBalance(key.address)).to.be.greaterThan(0n);
      expect(await provider.getBalance(ANVIL_DEFAULT_ACCOUNT)).to.equal(0n);
      const funded = (await provider.send("eth_accounts", [])) as string[];
      expect(funded.map((a) => a.toLowerCase())).to.deep.equal(
        allDevKeys(chain.keys).map((key) => key.address.toLowerCase()),
      );
    } finally {
      provider.destroy();
    }
  });

  it("rejects a keys file without a valid mnemonic", () => {
    const dataDir = newDataDir();
    fs.writeFileSync(devKeysPath(dataDir), JSON.stringify({ mnemonic: "not a mnemonic" }));
    expect(() => loadDevKeys(dataDir))
      .to.throw(ChainError)
      .with.property("code", "DEV_KEYS_INVALID");
  });
});
