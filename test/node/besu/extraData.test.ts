import { expect } from "chai";
import { decodeQbftExtraData, encodeGenesisExtraData, encodeQbftExtraData } from "../../../node/besu/extraData";
import type { QbftExtraData } from "../../../node/besu/extraData";

// Besu docs, "Configure QBFT consensus" > "Generate extra data": the toEncode.json
// list and the output of `besu rlp encode --from=toEncode.json --type=QBFT_EXTRA_DATA`.
const DOC_VALIDATORS = [
  "0x4592c8e45706cc08b8f44b11e43cba0cfc5892cb",
  "0x06e23768a0f59cf365e18c2e0c89e151bcdedc70",
  "0xc5327f96ee02d7bcbc1bf1236b8c15148971e1de",
  "0xab5e7f4061c605820d3744227eed91ff8e2c8908",
];
const DOC_EXTRA_DATA =
  "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f854944592c8e45706cc08b8f44b11e43cba0cfc5892cb9406e23768a0f59cf365e18c2e0c89e151bcdedc7094c5327f96ee02d7bcbc1bf1236b8c15148971e1de94ab5e7f4061c605820d3744227eed91ff8e2c8908c080c0";

// Same page, genesis examples for block-header and contract validator selection.
const DOC_GENESIS_EXTRA_DATA =
  "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0";
const DOC_CONTRACT_SELECTION_EXTRA_DATA =
  "0xe5a00000000000000000000000000000000000000000000000000000000000000000c0c080c0";

// Besu's own test vector (consensus/qbft PkiQbftExtraDataCodecTest, RAW_QBFT_EXTRA_DATA):
// vanity 0x01..0x20, validators 0x..01 and 0x..02, add vote for 0x..01,
// round 0xFEDCBA, seals (r=1, s=10, v=0) and (r=10, s=1, v=0).
const BESU_FULL_EXTRA_DATA =
  "0xf8f0a00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20ea940000000000000000" +
  "000000000000000000000001940000000000000000000000000000000000000002d7940000000000000000" +
  "00000000000000000000000181ff83fedcbaf886b841000000000000000000000000000000000000000000" +
  "0000000000000000000001000000000000000000000000000000000000000000000000000000000000000a" +
  "00b841000000000000000000000000000000000000000000000000000000000000000a0000000000000000" +
  "00000000000000000000000000000000000000000000000100";

const word = (n: number) => n.toString(16).padStart(64, "0");
const addr = (n: number) => "0x" + n.toString(16).padStart(40, "0");
const BESU_FULL: QbftExtraData = {
  vanity: "0x" + Array.from({ length: 32 }, (_, i) => (i + 1).toString(16).padStart(2, "0")).join(""),
  validators: [addr(1), addr(2)],
  vote: { recipient: addr(1), add: true },
  round: 0xfedcba,
  seals: ["0x" + word(1) + word(10) + "00", "0x" + word(10) + word(1) + "00"],
};

describe("QBFT extra data", () => {
  it("encodes the documented toEncode.json validators byte-for-byte like `besu rlp encode`", () => {
    expect(encodeGenesisExtraData(DOC_VALIDATORS)).to.equal(DOC_EXTRA_DATA);
  });

  it("accepts checksummed addresses and produces the same bytes", () => {
    const checksummed = DOC_VALIDATORS.map(
      (a) => decodeQbftExtraData(encodeGenesisExtraData([a])).validators[0] as string,
    );
    expect(checksummed[0]).to.not.equal(DOC_VALIDATORS[0]); // really mixed case
    expect(encodeGenesisExtraData(checksummed)).to.equal(DOC_EXTRA_DATA);
  });

  it("decodes the documented extra data to zero vanity, the validators in order, no vote, round 0, no seals", () => {
    const decoded = decodeQbftExtraData(DOC_EXTRA_DATA);
    expect(decoded.vanity).to.equal("0x" + "00".repeat(32));
    expect(decoded.validators.map((v) => v.toLowerCase())).to.deep.equal(DOC_VALIDATORS);
    expect(decoded.vote).to.equal(null);
    expect(decoded.round).to.equal(0);
    expect(decoded.seals).to.deep.equal([]);
  });

  it("round-trips the documented genesis example", () => {
    const decoded = decodeQbftExtraData(DOC_GENESIS_EXTRA_DATA);
    expect(decoded.validators.map((v) => v.toLowerCase())).to.deep.equal([
      "0x64a702e6263b7297a96638cac6ae65e6541f4169",
      "0x3923390ad55e90c237593b3b0e401f3b08a03185",
      "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692",
      "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
    ]);
    expect(encodeQbftExtraData(decoded)).to.equal(DOC_GENESIS_EXTRA_DATA);
  });

  it("encodes an empty validator list like the documented contract-selection genesis", () => {
    expect(encodeGenesisExtraData([])).to.equal(DOC_CONTRACT_SELECTION_EXTRA_DATA);
    expect(decodeQbftExtraData(DOC_CONTRACT_SELECTION_EXTRA_DATA).validators).to.deep.equal([]);
  });

  it("encodes vote, non-zero round and seals exactly like Besu's codec test vector", () => {
    expect(encodeQbftExtraData(BESU_FULL)).to.equal(BESU_FULL_EXTRA_DATA);
  });

  it("decodes Besu's full test vector back to the same fields", () => {
    const decoded = decodeQbftExtraData(BESU_FULL_EXTRA_DATA);
    expect(decoded.vanity).to.equal(BESU_FULL.vanity);
    expect(decoded.validators.map((v) => v.toLowerCase())).to.deep.equal(BESU_FULL.validators);
    expect(decoded.vote).to.deep.equal({ recipient: "0x0000000000000000000000000000000000000001", add: true });
    expect(decoded.round).to.equal(0xfedcba);
    expect(decoded.seals).to.deep.equal(BESU_FULL.seals);
  });

  it("encodes a drop vote as an empty byte string and decodes it back", () => {
    const data: QbftExtraData = { ...BESU_FULL, vote: { recipient: addr(7), add: false }, seals: [] };
    const encoded = encodeQbftExtraData(data);
    // [address, ""]: 0xd6 list of 22 bytes = 0x94 + 20-byte address + 0x80.
    expect(encoded).to.contain("d694" + "0000000000000000000000000000000000000007" + "80");
    expect(decodeQbftExtraData(encoded).vote).to.deep.equal({ recipient: addr(7), add: false });
  });

  it("rejects malformed input", () => {
    expect(() => encodeGenesisExtraData(["0x1234"])).to.throw();
    expect(() => encodeGenesisExtraData(["0x4592C8E45706cc08b8f44b11e43cba0cfc5892cb"])).to.throw(); // bad checksum
    expect(() => encodeQbftExtraData({ ...BESU_FULL, vanity: "0x00" })).to.throw(/vanity/);
    expect(() => encodeQbftExtraData({ ...BESU_FULL, round: -1 })).to.throw(/round/);
    expect(() => decodeQbftExtraData("0x")).to.throw();
    expect(() => decodeQbftExtraData("0xc0")).to.throw(/5 items/);
    // Round 0xDCBA written with a leading zero byte is not a canonical scalar (Besu rejects it too).
    const nonCanonical = encodeQbftExtraData({ ...BESU_FULL, vote: null, seals: [], round: 0xdcba }).replace(
      "82dcba",
      "8300dcba",
    );
    expect(() => decodeQbftExtraData(nonCanonical)).to.throw();
  });
});
