import { expect } from "chai";
import { enodeAddress, formatEnode, parseEnode } from "../../../node/besu/enode";
import { addressFromPublicKey, generateNodeKey, keyFileContent, nodeKeyFromPrivateKey } from "../../../node/besu/keys";

// Besu's acceptance-test key pair (acceptance-tests/.../qbft/migration-ibft1/miner1key and .pub).
const BESU_KEY = "0x0a46b91fe0c770a4355d1fec9ccd72d39264f46a74ed67a69a12ed4c265aa768";
const BESU_PUB =
  "0x8093fb3200c783555ed487b8b5210ef3369b062a1f3ce5762d83d7a62205693d1e4f253e840ca48ec98d8f20c5b41bbbd43f34f87a1f68324ab51afe73732b96";
// Besu's QBFT tutorial: the alloc account fe3b55... with its (test-only) private key.
const TUTORIAL_KEY = "0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63";
const TUTORIAL_ADDRESS = "0xfe3b557e8fb62b89f4916b721be55ceb828dbd73";
// Besu docs, "Node keys": enode URL example.
const DOC_PUB =
  "0xc35c3ec90a8a51fd5703594c6303382f3ae6b2ecb9589bab2c04b3794f2bc3fc2631dabb0c08af795787a6c004d8f532230ae6e9925cbbefb0b28b79295d615f";
const DOC_ENODE = `enode://${DOC_PUB.slice(2)}@10.3.58.6:30303?discport=30301`;

describe("node keys", () => {
  it("derives the node id Besu derives from a key file", () => {
    expect(nodeKeyFromPrivateKey(BESU_KEY).publicKey).to.equal(BESU_PUB);
  });

  it("derives the account address Besu's tutorial lists for a private key", () => {
    expect(nodeKeyFromPrivateKey(TUTORIAL_KEY).address.toLowerCase()).to.equal(TUTORIAL_ADDRESS);
    expect(addressFromPublicKey(nodeKeyFromPrivateKey(TUTORIAL_KEY).publicKey).toLowerCase()).to.equal(
      TUTORIAL_ADDRESS,
    );
  });

  it("writes the key file as one 0x-prefixed line of 64 hex digits, like Besu's KeyPairUtil", () => {
    const key = generateNodeKey();
    expect(keyFileContent(key)).to.match(/^0x[0-9a-f]{64}$/);
    expect(nodeKeyFromPrivateKey(keyFileContent(key))).to.deep.equal(key);
  });

  it("generates distinct keys whose id and address agree", () => {
    const a = generateNodeKey();
    const b = generateNodeKey();
    expect(a.privateKey).to.not.equal(b.privateKey);
    expect(a.publicKey).to.match(/^0x[0-9a-f]{128}$/);
    expect(addressFromPublicKey(a.publicKey)).to.equal(a.address);
  });
});

describe("enode URLs", () => {
  it("parses and re-formats the documented example", () => {
    const enode = parseEnode(DOC_ENODE);
    expect(enode).to.deep.equal({ publicKey: DOC_PUB, host: "10.3.58.6", port: 30303, discport: 30301 });
    expect(formatEnode(enode)).to.equal(DOC_ENODE);
  });

  it("drops discport when it equals the port and brackets IPv6 hosts", () => {
    expect(formatEnode({ publicKey: DOC_PUB, host: "127.0.0.1", port: 30303, discport: 30303 })).to.equal(
      `enode://${DOC_PUB.slice(2)}@127.0.0.1:30303`,
    );
    const v6 = formatEnode({ publicKey: DOC_PUB, host: "::1", port: 30303 });
    expect(v6).to.equal(`enode://${DOC_PUB.slice(2)}@[::1]:30303`);
    expect(parseEnode(v6).host).to.equal("::1");
  });

  it("gives the validator address of the node behind an enode", () => {
    expect(enodeAddress(parseEnode(`enode://${BESU_PUB.slice(2)}@1.2.3.4:30303`))).to.equal(
      nodeKeyFromPrivateKey(BESU_KEY).address,
    );
  });

  it("rejects malformed enode URLs", () => {
    expect(() => parseEnode("enode://abc@1.2.3.4:30303")).to.throw(/enode/);
    expect(() => parseEnode(`enode://${DOC_PUB.slice(2)}@1.2.3.4`)).to.throw(/enode/);
    expect(() => parseEnode(`enode://${DOC_PUB.slice(2)}@1.2.3.4:70000`)).to.throw(/port/);
  });
});
