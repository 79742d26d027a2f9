import { expect } from "chai";
import { decodeQbftExtraData } from "../../../node/besu/extraData";
import { DEFAULT_GAS_LIMIT, QBFT_MIX_HASH, qbftGenesis, sortAddresses } from "../../../node/besu/genesis";

const VALIDATORS = [
  "0xc5327f96ee02d7bcbc1bf1236b8c15148971e1de",
  "0x4592c8e45706cc08b8f44b11e43cba0cfc5892cb",
  "0xab5e7f4061c605820d3744227eed91ff8e2c8908",
  "0x06e23768a0f59cf365e18c2e0c89e151bcdedc70",
];
const RELAYER = "0x627306090abaB3A6e1400e9345bC60c78a8BEf57";

describe("QBFT genesis", () => {
  it("has the documented QBFT config with a 1-second block period by default", () => {
    const g = qbftGenesis({ chainId: 1337, validators: VALIDATORS });
    expect(g.config.chainId).to.equal(1337);
    expect(g.config.qbft).to.deep.equal({ blockperiodseconds: 1, epochlength: 30000, requesttimeoutseconds: 4 });
    expect(g.difficulty).to.equal("0x1");
    expect(g.mixHash).to.equal(QBFT_MIX_HASH);
    expect(g.mixHash).to.equal("0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
    expect(g.nonce).to.equal("0x0");
    expect(g.coinbase).to.equal("0x0000000000000000000000000000000000000000");
  });

  it("activates every fork through Cancun at genesis, with a zero base fee", () => {
    const { config } = qbftGenesis({ chainId: 1337, validators: VALIDATORS });
    for (const fork of [
      "homesteadBlock",
      "byzantiumBlock",
      "petersburgBlock",
      "istanbulBlock",
      "berlinBlock",
      "londonBlock",
    ]) {
      expect(config[fork], fork).to.equal(0);
    }
    expect(config["shanghaiTime"]).to.equal(0);
    expect(config["cancunTime"]).to.equal(0);
    expect(config["zeroBaseFee"]).to.equal(true);
    // Besu rejects genesis files that give both names of the Petersburg fork.
    expect(config).to.not.have.property("constantinopleFixBlock");
  });

  it("writes the validators into extraData in ascending order", () => {
    const g = qbftGenesis({ chainId: 1337, validators: VALIDATORS });
    const decoded = decodeQbftExtraData(g.extraData);
    expect(decoded.validators.map((v) => v.toLowerCase())).to.deep.equal([
      "0x06e23768a0f59cf365e18c2e0c89e151bcdedc70",
      "0x4592c8e45706cc08b8f44b11e43cba0cfc5892cb",
      "0xab5e7f4061c605820d3744227eed91ff8e2c8908",
      "0xc5327f96ee02d7bcbc1bf1236b8c15148971e1de",
    ]);
    expect(decoded.vote).to.equal(null);
    expect(decoded.round).to.equal(0);
    expect(decoded.seals).to.deep.equal([]);
  });

  it("defaults to a 300,000,000 block gas limit and takes another", () => {
    expect(DEFAULT_GAS_LIMIT).to.equal(300_000_000n);
    expect(qbftGenesis({ chainId: 1, validators: VALIDATORS }).gasLimit).to.equal("0x11e1a300");
    expect(qbftGenesis({ chainId: 1, validators: VALIDATORS, gasLimit: 30_000_000n }).gasLimit).to.equal("0x1c9c380");
  });

  it("pre-funds alloc accounts under lower-case keys without 0x", () => {
    const g = qbftGenesis({ chainId: 1, validators: VALIDATORS, alloc: { [RELAYER]: 10n ** 24n } });
    expect(g.alloc).to.deep.equal({
      "627306090abab3a6e1400e9345bc60c78a8bef57": { balance: "0xd3c21bcecceda1000000" },
    });
  });

  it("derives the round timeout from the block period unless given", () => {
    expect(
      qbftGenesis({ chainId: 1, validators: VALIDATORS, blockPeriodSeconds: 5 }).config.qbft.requesttimeoutseconds,
    ).to.equal(10);
    expect(
      qbftGenesis({ chainId: 1, validators: VALIDATORS, requestTimeoutSeconds: 3 }).config.qbft.requesttimeoutseconds,
    ).to.equal(3);
  });

  it("rejects no validators, duplicate validators and a bad chain id", () => {
    expect(() => qbftGenesis({ chainId: 1, validators: [] })).to.throw(/validator/);
    expect(() => qbftGenesis({ chainId: 1, validators: [VALIDATORS[0] as string, VALIDATORS[0] as string] })).to.throw(
      /duplicate/,
    );
    expect(() => qbftGenesis({ chainId: 0, validators: VALIDATORS })).to.throw(/chain id/);
    expect(() => qbftGenesis({ chainId: 1.5, validators: VALIDATORS })).to.throw(/chain id/);
  });

  it("sorts addresses by their bytes, not by checksum case", () => {
    // As strings "0xC..." < "0xb...", but as bytes 0xb0 < 0xcf.
    const b0 = "0xb0A2188d9Dd219c42f5C32489D952238b14b7A71";
    const cf = "0xCf890187d33B8AAC0b1CC6E6cF2a08aDA847bb19";
    expect([cf, b0].sort()).to.deep.equal([cf, b0]);
    expect(sortAddresses([cf, b0])).to.deep.equal([b0, cf]);
  });
});
