import crypto from "node:crypto";
import { expect } from "chai";
import {
  ballotBoxInterface,
  readCastSecretBallot,
  secretBallotLeaf,
  secretMessage,
  secretScope,
} from "../../../contracts/protocol";
import { snarkHash } from "../../../contracts/protocol/secretBallot";
import { snarkHash as snarkHashNative } from "../../../contracts/protocol/node/membershipCheck";
import {
  decodeCastSecretBallot,
  encodeCastSecretBallot,
  secretBallotLeafNative,
  secretMessageNative,
  secretScopeNative,
} from "../../../contracts/protocol/node/secretCodec";

const big = (bytes: number) => BigInt(`0x${crypto.randomBytes(bytes).toString("hex")}`);
const hash = () => `0x${crypto.randomBytes(32).toString("hex")}`;

describe("native secret ballot codec", () => {
  it("derives scope, message, leaf and the field hash exactly as the generic encoders do", () => {
    for (let i = 0; i < 50; i++) {
      const ballotBox = `0x${crypto.randomBytes(20).toString("hex")}`;
      const b = {
        pollId: big(4),
        nullifier: big(31),
        choices: big(i % 2 ? 32 : 2),
        revision: big(2) + 1n,
        area: Number(big(4)),
      };
      expect(secretScopeNative(31337, ballotBox, b.pollId)).to.equal(secretScope(31337, ballotBox, b.pollId));
      expect(secretMessageNative(b.choices, b.revision)).to.equal(secretMessage(b.choices, b.revision));
      expect(secretBallotLeafNative(b)).to.equal(secretBallotLeaf(b));
      const word = big(32);
      expect(snarkHashNative(word)).to.equal(snarkHash(word));
    }
  });

  it("encodes castSecretBallot exactly as the ballot box's ABI does, for any number of siblings", () => {
    for (const siblings of [0, 1, 3, 12]) {
      const args = {
        pollId: big(4),
        choices: big(27),
        revision: 3n,
        area: {
          area: Number(big(4)),
          members: 1000,
          root: big(31),
          index: 7,
          siblings: Array.from({ length: siblings }, hash),
        },
        proof: { nullifier: big(31), depth: 20n, points: Array.from({ length: 8 }, () => big(31)) },
      };
      const expected = ballotBoxInterface.encodeFunctionData("castSecretBallot", [
        args.pollId,
        args.choices,
        args.revision,
        args.area,
        args.proof,
      ]);
      expect(`0x${encodeCastSecretBallot(args).toString("hex")}`).to.equal(expected);
      // Read back, it gives what the ABI's generic reader gives.
      expect(decodeCastSecretBallot(expected)).to.deep.equal(readCastSecretBallot(expected));
      expect(decodeCastSecretBallot(expected)).to.deep.equal(args);
    }
  });

  it("reads back only the layout it writes, leaving any other to the generic decoder", () => {
    const args = {
      pollId: 3n,
      choices: 1n,
      revision: 1n,
      area: { area: 1001, members: 4, root: 5n, index: 0, siblings: [hash()] },
      proof: { nullifier: 9n, depth: 20n, points: Array.from({ length: 8 }, () => big(31)) },
    };
    const data = encodeCastSecretBallot(args).toString("hex");
    const word = (i: number) => 8 + i * 64;
    const withWord = (i: number, value: bigint) =>
      data.slice(0, word(i)) + value.toString(16).padStart(64, "0") + data.slice(word(i + 1));
    expect(decodeCastSecretBallot(data)?.area.siblings).to.deep.equal(args.area.siblings);
    expect(decodeCastSecretBallot(`0xdeadbeef${data.slice(8)}`)).to.equal(null); // another function
    expect(decodeCastSecretBallot(withWord(3, 15n * 32n))).to.equal(null); // the area elsewhere
    expect(decodeCastSecretBallot(withWord(14, 2n ** 32n))).to.equal(null); // area beyond uint32
    expect(decodeCastSecretBallot(withWord(19, 2n))).to.equal(null); // more siblings than sent
    expect(decodeCastSecretBallot(`${data}00`)).to.equal(null); // not whole words
  });

  it("refuses what the ABI cannot hold", () => {
    const args = {
      pollId: 1n,
      choices: 1n,
      revision: 1n,
      area: { area: 2 ** 32, members: 1, root: 1n, index: 0, siblings: [] },
      proof: { nullifier: 1n, depth: 1n, points: Array.from({ length: 8 }, () => 1n) },
    };
    expect(() => encodeCastSecretBallot(args)).to.throw(RangeError);
    expect(() =>
      encodeCastSecretBallot({ ...args, area: { ...args.area, area: 1 }, proof: { ...args.proof, points: [1n] } }),
    ).to.throw(RangeError);
  });
});
