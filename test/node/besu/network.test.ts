import { expect } from "chai";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeQbftExtraData } from "../../../node/besu/extraData";
import { formatEnode, parseEnode } from "../../../node/besu/enode";
import { generateNodeKey, nodeKeyFromPrivateKey } from "../../../node/besu/keys";
import { generateNetwork } from "../../../node/besu/network";
import type { NetworkSummary } from "../../../node/besu/network";
import { allFiles, mode, tempDir, tomlList } from "./helpers";

const STAFF = "0xf17f52151EbEF6C7334FAD080c5704D77216b732";
const RELAYER = "0x627306090abaB3A6e1400e9345bC60c78a8BEf57";

function read(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}

describe("generateNetwork", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  function fourAndOne(extra: Partial<Parameters<typeof generateNetwork>[0]> = {}): NetworkSummary {
    return generateNetwork({
      outDir: join(tmp.dir, "net"),
      chainId: 1337,
      validators: 4,
      observers: 1,
      accounts: [STAFF, RELAYER],
      ...extra,
    });
  }

  it("writes genesis, permissions, static nodes, commands and one key per node", () => {
    const s = fourAndOne();
    const net = s.outDir;
    for (const f of ["genesis.json", "permissions_config.toml", "static-nodes.json", "commands.md", "network.json"]) {
      expect(existsSync(join(net, f)), f).to.equal(true);
    }
    for (const node of ["validator-1", "validator-2", "validator-3", "validator-4", "observer-1"]) {
      expect(existsSync(join(net, node, "key")), node).to.equal(true);
      expect(existsSync(join(net, `run-${node}.sh`)), node).to.equal(true);
    }
    expect(existsSync(join(net, "validator-5"))).to.equal(false);
    expect([...s.files].sort()).to.deep.equal(allFiles(net).sort());
  });

  it("keeps private keys in 0600 files inside 0700 folders", () => {
    const net = fourAndOne().outDir;
    for (const node of ["validator-1", "validator-4", "observer-1"]) {
      expect(mode(join(net, node, "key")).toString(8), node).to.equal("600");
      expect(mode(join(net, node)).toString(8), node).to.equal("700");
    }
    expect(mode(join(net, "genesis.json")).toString(8)).to.equal("644");
    expect(mode(join(net, "run-validator-1.sh")).toString(8)).to.equal("755");
  });

  it("writes no private key anywhere but its own key file", () => {
    const net = fourAndOne().outDir;
    const keys = ["validator-1", "validator-2", "validator-3", "validator-4", "observer-1"].map((n) => ({
      file: join(net, n, "key"),
      hex: read(net, `${n}/key`).slice(2),
    }));
    for (const file of allFiles(net)) {
      const text = readFileSync(file, "utf8").toLowerCase();
      for (const k of keys) {
        if (file !== k.file) expect(text.includes(k.hex), `${k.file} leaked into ${file}`).to.equal(false);
      }
    }
  });

  it("lists in static-nodes.json the enode of every key it wrote", () => {
    const s = fourAndOne();
    const enodes = JSON.parse(read(s.outDir, "static-nodes.json")) as string[];
    expect(enodes).to.have.length(5);
    const names = ["validator-1", "validator-2", "validator-3", "validator-4", "observer-1"];
    names.forEach((name, i) => {
      const key = nodeKeyFromPrivateKey(read(s.outDir, `${name}/key`));
      expect(read(s.outDir, `${name}/key.pub`).trim()).to.equal(key.publicKey);
      expect(read(s.outDir, `${name}/address`).trim()).to.equal(key.address);
      const enode = parseEnode(enodes[i] as string);
      expect(enode.publicKey, name).to.equal(key.publicKey);
      expect(enode.host).to.equal("127.0.0.1");
      expect(enode.port).to.equal(30303 + i); // same host: consecutive ports
    });
  });

  it("allows every node in the permissions file and only the given accounts", () => {
    const s = fourAndOne();
    const toml = read(s.outDir, "permissions_config.toml");
    const nodes = tomlList(toml, "nodes-allowlist");
    expect(nodes).to.deep.equal(JSON.parse(read(s.outDir, "static-nodes.json")));
    for (const n of [...s.validators, ...s.observers]) expect(nodes).to.include(n.enode);
    expect(tomlList(toml, "accounts-allowlist")).to.deep.equal([STAFF.toLowerCase(), RELAYER.toLowerCase()]);
  });

  it("puts exactly the validator keys in the genesis validator set, never the observer", () => {
    const s = fourAndOne();
    const genesis = JSON.parse(read(s.outDir, "genesis.json")) as { extraData: string; alloc: Record<string, unknown> };
    const inGenesis = decodeQbftExtraData(genesis.extraData).validators;
    const fromKeys = ["validator-1", "validator-2", "validator-3", "validator-4"].map(
      (n) => nodeKeyFromPrivateKey(read(s.outDir, `${n}/key`)).address,
    );
    expect([...inGenesis].sort()).to.deep.equal([...fromKeys].sort());
    expect(inGenesis.map((a) => a.toLowerCase())).to.deep.equal(inGenesis.map((a) => a.toLowerCase()).sort());
    const observer = nodeKeyFromPrivateKey(read(s.outDir, "observer-1/key")).address;
    expect(inGenesis).to.not.include(observer);
    expect(Object.keys(genesis.alloc).sort()).to.deep.equal(
      [STAFF, RELAYER].map((a) => a.slice(2).toLowerCase()).sort(),
    );
  });

  it("gives validators a localhost RPC with QBFT and observers a public read-only RPC", () => {
    const net = fourAndOne().outDir;
    const validator = read(net, "run-validator-1.sh");
    expect(validator).to.contain("--rpc-http-host=127.0.0.1");
    expect(validator).to.contain("--rpc-http-api=ETH,NET,WEB3,QBFT,PERM");
    expect(validator).to.contain('--node-private-key-file="$DIR/validator-1/key"');
    expect(validator).to.contain("--min-gas-price=0");
    expect(validator).to.contain("--permissions-accounts-config-file-enabled");
    const observer = read(net, "run-observer-1.sh");
    const apis = observer.split("\n").filter((l) => l.includes("-api="));
    expect(apis).to.deep.equal(["  --rpc-http-api=ETH,NET,WEB3 \\"]);
    expect(observer).to.contain("--rpc-http-host=0.0.0.0");
    for (const script of [validator, observer]) {
      expect(script).to.contain("--permissions-nodes-config-file-enabled");
      expect(script).to.contain('--static-nodes-file="$DIR/static-nodes.json"');
      expect(script).to.contain("--discovery-enabled=false");
    }
    expect(read(net, "commands.md")).to.contain("--genesis-file=genesis.json");
  });

  it("keeps the base ports for nodes on their own hosts", () => {
    const s = generateNetwork({
      outDir: join(tmp.dir, "hosts"),
      chainId: 7,
      validators: 2,
      observers: 1,
      hosts: ["10.0.0.1", "10.0.0.2", "10.0.0.2"],
    });
    expect(s.validators.map((v) => v.enode?.split("@")[1])).to.deep.equal(["10.0.0.1:30303", "10.0.0.2:30303"]);
    expect(s.observers[0]?.enode?.split("@")[1]).to.equal("10.0.0.2:30304");
    // No accounts given: no accounts allowlist, and nodes must not enable it.
    expect(tomlList(read(s.outDir, "permissions_config.toml"), "accounts-allowlist")).to.equal(undefined);
    expect(read(s.outDir, "run-validator-1.sh")).to.not.contain("accounts-config-file-enabled");
  });

  it("builds genesis from validators' public enodes and addresses without their keys", () => {
    const remote = [generateNodeKey(), generateNodeKey()];
    const addressOnly = generateNodeKey().address;
    const s = generateNetwork({
      outDir: join(tmp.dir, "public"),
      chainId: 7,
      validators: 1,
      observers: 0,
      validatorEnodes: remote.map((k, i) =>
        formatEnode({ publicKey: k.publicKey, host: `10.0.1.${i + 1}`, port: 30303 }),
      ),
      validatorAddresses: [addressOnly],
    });
    const genesis = JSON.parse(read(s.outDir, "genesis.json")) as { extraData: string };
    const inGenesis = decodeQbftExtraData(genesis.extraData).validators;
    expect([...inGenesis].sort()).to.deep.equal(
      [s.validators[0]?.address, remote[0]?.address, remote[1]?.address, addressOnly].sort(),
    );
    expect(allFiles(s.outDir).filter((f) => f.endsWith("/key"))).to.have.length(1);
    const statics = JSON.parse(read(s.outDir, "static-nodes.json")) as string[];
    expect(statics).to.have.length(3); // the address-only validator has no enode yet
    expect(read(s.outDir, "commands.md")).to.contain("known only by address");
    // Operators who hold their own keys still get a command line, pointing at their host.
    expect(s.validators.map((v) => [v.name, v.generated])).to.deep.equal([
      ["validator-1", true],
      ["validator-2", false],
      ["validator-3", false],
      ["address-validator-1", false],
    ]);
    expect(read(s.outDir, "run-validator-2.sh")).to.contain("--p2p-host=10.0.1.1");
    expect(existsSync(join(s.outDir, "validator-2"))).to.equal(false);
  });

  it("refuses to write into a folder that is not empty", () => {
    const out = join(tmp.dir, "busy");
    fourAndOne({ outDir: out });
    const before = read(out, "validator-1/key");
    expect(() => fourAndOne({ outDir: out })).to.throw(/not empty/);
    expect(read(out, "validator-1/key")).to.equal(before);
    writeFileSync(join(tmp.dir, "other"), "x");
    expect(() => fourAndOne({ outDir: tmp.dir })).to.throw(/not empty/);
  });

  it("rejects bad input before writing anything", () => {
    const out = join(tmp.dir, "bad");
    expect(() => fourAndOne({ outDir: out, validators: 0 })).to.throw(/validator/);
    expect(() => fourAndOne({ outDir: out, hosts: ["10.0.0.1", "10.0.0.2"] })).to.throw(/one per generated node/);
    expect(() => fourAndOne({ outDir: out, hosts: ["bad host!"] })).to.throw(/host/);
    expect(() => fourAndOne({ outDir: out, accounts: ["0x1234"] })).to.throw();
    expect(() => fourAndOne({ outDir: out, validatorEnodes: ["enode://nope"] })).to.throw(/enode/);
    expect(existsSync(out)).to.equal(false);
  });
});
