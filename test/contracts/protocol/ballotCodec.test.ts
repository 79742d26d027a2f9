import { expect } from "chai";
import { Transaction, Wallet, keccak256 as ethersKeccak } from "ethers";
import { TypedDataEncoder } from "ethers";
import fc from "fast-check";
import {
  BALLOT_TYPES,
  ballotBoxInterface,
  ballotDigest,
  ballotDomain,
  ballotLeaf,
  ballotMessage,
  recoverBallotSigner,
} from "../../../contracts/protocol";
import {
  BallotDigester,
  ballotLeafHex,
  ballotLeafNative,
  encodeCastBallot,
  keccak256,
  recoverAddress,
  signatureOf,
  signDigest,
  signLegacyTx,
} from "../../../contracts/protocol/node/ballotCodec";
import { addressOf } from "../../../contracts/protocol/node/native";

describe("native ballot codec", () => {
  const domain = ballotDomain(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");

  it("hashes like ethers", () => {
    const data = Buffer.from("veche ballot");
    expect(`0x${keccak256(data).toString("hex")}`).to.equal(ethersKeccak(data));
  });

  const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
  const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);

  it("builds the leaf the plain encoder builds, for any fields", () => {
    fc.assert(
      fc.property(uint256, address, uint256, uint256, (pollId, voter, choices, revision) => {
        const ballot = { pollId, voter, choices, revision };
        expect(`0x${ballotLeafNative(ballot).toString("hex")}`).to.equal(ballotLeaf(ballot));
        expect(ballotLeafHex({ ...ballot, voter: voter.toUpperCase().replace("0X", "0x") })).to.equal(
          ballotLeaf(ballot),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("computes the plain EIP-712 digest for any fields", () => {
    const digester = new BallotDigester(domain);
    fc.assert(
      fc.property(uint256, uint256, uint256, (pollId, choices, revision) => {
        const plain = ballotDigest(domain, { pollId, choices, revision });
        expect(`0x${digester.digest(pollId, choices, revision).toString("hex")}`).to.equal(plain);
      }),
      { numRuns: 200 },
    );
  });

  it("signs ballots that the plain recovery attributes to the key, and finds the signer itself", () => {
    const key = Wallet.createRandom();
    const privateKey = Buffer.from(key.privateKey.slice(2), "hex");
    expect(addressOf(privateKey)).to.equal(key.address.toLowerCase());
    const ballot = { pollId: 3n, choices: 6n, revision: 2n };
    const digester = new BallotDigester(domain);
    const signature = `0x${signatureOf(digester.digest(ballot.pollId, ballot.choices, ballot.revision), privateKey).toString("hex")}`;
    expect(recoverBallotSigner(domain, { ...ballot, signature })).to.equal(key.address);
    expect(digester.signer({ ...ballot, signature })).to.equal(key.address.toLowerCase());
    expect(digester.signer({ ...ballot, revision: 3n, signature })).to.not.equal(key.address.toLowerCase());
    expect(digester.signer({ ...ballot, signature: "0x1234" })).to.equal(null);
  });

  it("computes the EIP-712 ballot digest ethers computes", () => {
    const digester = new BallotDigester(domain);
    for (const ballot of [
      { pollId: 1n, choices: 1n, revision: 1n },
      { pollId: 4294967295n, choices: (1n << 255n) | 5n, revision: 65535n },
    ]) {
      const expected = TypedDataEncoder.hash(domain, BALLOT_TYPES, ballotMessage(ballot));
      expect(`0x${digester.digest(ballot.pollId, ballot.choices, ballot.revision).toString("hex")}`).to.equal(expected);
    }
  });

  it("recovers the signer ethers recovers, and nothing from a damaged signature", async () => {
    const key = Wallet.createRandom();
    const ballot = { pollId: 7n, choices: 2n, revision: 3n };
    const signature = await key.signTypedData(domain, BALLOT_TYPES, ballotMessage(ballot));
    const digest = new BallotDigester(domain).digest(ballot.pollId, ballot.choices, ballot.revision);
    const sig = Buffer.from(signature.slice(2), "hex");
    expect(recoverAddress(digest, sig)).to.equal(key.address);
    expect(recoverBallotSigner(domain, { ...ballot, signature })).to.equal(key.address);
    const badV = Buffer.from(sig);
    badV[64] = 29;
    expect(recoverAddress(digest, badV)).to.equal(null);
    expect(recoverAddress(digest, sig.subarray(0, 64))).to.equal(null);
    const highS = Buffer.from(sig);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    Buffer.from((n - BigInt(`0x${sig.subarray(32, 64).toString("hex")}`)).toString(16).padStart(64, "0"), "hex").copy(
      highS,
      32,
    );
    highS[64] = sig[64] === 27 ? 28 : 27;
    expect(recoverAddress(digest, highS), "the malleable twin the contract refuses").to.equal(null);
    const otherDigest = new BallotDigester(domain).digest(8n, 2n, 3n);
    expect(recoverAddress(otherDigest, sig)).to.not.equal(key.address);
  });

  it("signs transactions that ethers accepts as signed by the key", () => {
    const key = Wallet.createRandom();
    const tx = Transaction.from({
      type: 0,
      to: key.address,
      nonce: 5,
      gasLimit: 100000n,
      gasPrice: 1n,
      chainId: 31337n,
      data: "0x1234",
    });
    tx.signature = signDigest(
      Buffer.from(tx.unsignedHash.slice(2), "hex"),
      Buffer.from(key.privateKey.slice(2), "hex"),
    );
    expect(Transaction.from(tx.serialized).from).to.equal(key.address);
  });
});

describe("native relay transactions", () => {
  it("encodes castBallot and signs legacy transactions exactly as ethers does", async () => {
    const key = Wallet.createRandom();
    const signature = `0x${"ab".repeat(64)}1c`;
    const data = encodeCastBallot(3n, 5n, 1n, Buffer.from(signature.slice(2), "hex"));
    expect(`0x${data.toString("hex")}`).to.equal(
      ballotBoxInterface.encodeFunctionData("castBallot", [3n, 5n, 1n, signature]),
    );
    const shapes = [
      { nonce: 0, gasPrice: 2_000_000_000n, gasLimit: 500_000n, data, chainId: 31337n },
      { nonce: 1, gasPrice: 1n, gasLimit: 21_000n, data, chainId: 1n },
      { nonce: 127, gasPrice: 128n, gasLimit: 0x7fn, data: Buffer.alloc(0), chainId: 31337n },
      { nonce: 128, gasPrice: 0n, gasLimit: 30_000_000n, data: Buffer.from([0x7f]), chainId: 2n ** 40n },
      { nonce: 300, gasPrice: 10n ** 18n, gasLimit: 1n, data: Buffer.from([0x80]), chainId: 31337n },
      { nonce: 2 ** 32, gasPrice: 7n, gasLimit: 871_000n, data: Buffer.alloc(56_000, 0xab), chainId: 31337n },
    ];
    for (const shape of shapes) {
      const fields = { ...shape, to: key.address };
      const signed = signLegacyTx(fields, Buffer.from(key.privateKey.slice(2), "hex"));
      const expected = await key.signTransaction({ ...fields, type: 0, data: `0x${fields.data.toString("hex")}` });
      expect(signed.raw).to.equal(expected);
      expect(signed.hash).to.equal(Transaction.from(expected).hash);
    }
  });
});
