import { expect } from "chai";
import fc from "fast-check";
import {
  ballotBoxInterface,
  decodeBallotCast,
  decodeEvent,
  decodeEventAbi,
  EVENT_TOPICS,
} from "../../../contracts/protocol";

const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => `0x${Buffer.from(b).toString("hex")}`);
const bytes = (length: number) =>
  fc.uint8Array({ minLength: length, maxLength: length }).map((b) => `0x${Buffer.from(b).toString("hex")}`);

describe("protocol event decoding", () => {
  it("reads BallotCast by hand exactly as the ABI decoder does", () => {
    fc.assert(
      fc.property(uint256, address, uint32, uint32, uint256, uint256, bytes(65), (...args) => {
        const log = ballotBoxInterface.encodeEventLog("BallotCast", args);
        expect(decodeEvent(log)).to.deep.equal(decodeEventAbi(log));
        expect(decodeBallotCast(log)).to.deep.include({ pollId: args[0], voter: args[1], leafIndex: args[3] });
      }),
      { numRuns: 300 },
    );
  });

  it("falls back to the ABI decoder for a signature of another length", () => {
    const log = ballotBoxInterface.encodeEventLog("BallotCast", [1n, `0x${"12".repeat(20)}`, 2, 3, 4n, 5n, "0xabcd"]);
    expect(decodeBallotCast(log)).to.deep.include({ signature: "0xabcd", resident: 2, leafIndex: 3 });
  });

  it("reads the registry's events by hand exactly as the ABI decoder does", () => {
    fc.assert(
      fc.property(bytes(32), uint32, address, uint32, (residentId, resident, key, district) => {
        const enrolled = ballotBoxInterface.encodeEventLog("VoterEnrolled", [residentId, resident, key, district]);
        const revoked = ballotBoxInterface.encodeEventLog("VoterRevoked", [resident, key]);
        expect(decodeEvent(enrolled)).to.deep.equal(decodeEventAbi(enrolled));
        expect(decodeEvent(revoked)).to.deep.equal(decodeEventAbi(revoked));
        expect(decodeEvent(enrolled)).to.deep.include({ name: "VoterEnrolled", key, district });
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(uint32, uint256, uint32, (resident, commitment, building) => {
        const committed = ballotBoxInterface.encodeEventLog("IdentityCommitted", [resident, commitment, building]);
        expect(decodeEvent(committed)).to.deep.equal(decodeEventAbi(committed));
        expect(decodeEvent(committed)).to.deep.include({ name: "IdentityCommitted", commitment, building });
      }),
      { numRuns: 300 },
    );
  });

  it("reads SecretBallotCast by hand exactly as the ABI decoder does", () => {
    fc.assert(
      fc.property(uint256, uint256, uint32, uint32, uint256, uint256, (...args) => {
        const log = ballotBoxInterface.encodeEventLog("SecretBallotCast", args);
        expect(decodeEvent(log)).to.deep.equal(decodeEventAbi(log));
        expect(decodeEvent(log)).to.deep.include({ name: "SecretBallotCast", nullifier: args[1], area: args[2] });
      }),
      { numRuns: 300 },
    );
  });

  it("decodes a poll's creation with its schedule, questions and scope", () => {
    const params = {
      contentHash: `0x${"ab".repeat(32)}`,
      uri: "data:x",
      start: 100,
      end: 200,
      questions: [{ options: 3, maxChoices: 2 }],
      districts: [4, 7],
      revote: true,
      points: 15,
    };
    const log = ballotBoxInterface.encodeEventLog("PollCreated", [9n, params]);
    expect(decodeEvent(log)).to.deep.equal({ name: "PollCreated", pollId: 9n, poll: params });
  });

  it("names a topic for every event the contract emits apart from access control", () => {
    const emitted = ballotBoxInterface.fragments
      .filter((f) => f.type === "event")
      .map((f) => (f as unknown as { name: string }).name)
      .filter((name) => !/^Role|^EIP712/.test(name));
    expect(Object.keys(EVENT_TOPICS).sort()).to.deep.equal(emitted.sort());
  });

  it("leaves role changes and foreign logs undecoded", () => {
    const role = ballotBoxInterface.encodeEventLog("RoleGranted", [
      `0x${"00".repeat(32)}`,
      `0x${"11".repeat(20)}`,
      `0x${"22".repeat(20)}`,
    ]);
    expect(decodeEvent(role)).to.equal(null);
    expect(decodeEvent({ topics: [`0x${"99".repeat(32)}`], data: "0x" })).to.equal(null);
    expect(() => decodeBallotCast(role)).to.throw("not a BallotCast log");
  });
});
