/**
 * Secret ballots' encodings on the native hash, for the API's intake, relayer and indexer: the proof's
 * scope and message, the leaf, and castSecretBallot calldata, without ethers' generic ABI coder. The
 * fast path beside ../secretBallot.ts (and ethers' encoding of the ballot box's ABI), checked byte for
 * byte against them in test/contracts/protocol.
 */
import type { secretBallotLeaf } from "../secretBallot";
import type { SecretBallotArgs } from "../secretCall";

export type { SecretBallotArgs };
import { addressWord, keccak256, uintWord } from "./ballotCodec";

const hashWords = (...words: string[]) => keccak256(Buffer.from(words.join(""), "hex"));

/** A uint32 as its ABI word; like the ABI coder, refuses what does not fit. */
function uint32Word(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new RangeError(`${value} does not fit in uint32`);
  return uintWord(BigInt(value));
}
const asNumber = (digest: Buffer) => BigInt(`0x${digest.toString("hex")}`);

/** secretScope: keccak256(abi.encode(chainId, ballotBox, pollId)) as a number. */
export function secretScopeNative(chainId: bigint | number, ballotBox: string, pollId: bigint | number): bigint {
  return asNumber(hashWords(uintWord(BigInt(chainId)), addressWord(ballotBox), uintWord(BigInt(pollId))));
}

/** secretMessage: keccak256(abi.encode(choices, revision)) as a number. */
export function secretMessageNative(choices: bigint, revision: bigint): bigint {
  return asNumber(hashWords(uintWord(choices), uintWord(revision)));
}

/** secretBallotLeaf: keccak256(abi.encode(pollId, nullifier, choices, revision, uint32 area)) as 0x hex. */
export function secretBallotLeafNative(b: Parameters<typeof secretBallotLeaf>[0]): string {
  const digest = hashWords(
    uintWord(b.pollId),
    uintWord(b.nullifier),
    uintWord(b.choices),
    uintWord(b.revision),
    uint32Word(b.area),
  );
  return `0x${digest.toString("hex")}`;
}

const SELECTOR = keccak256(
  Buffer.from(
    "castSecretBallot(uint256,uint256,uint256,(uint32,uint32,uint256,uint32,bytes32[]),(uint256,uint256,uint256[8]))",
  ),
)
  .subarray(0, 4)
  .toString("hex");

/**
 * castSecretBallot calldata. The head holds pollId, choices, revision, the offset of the area (a
 * dynamic tuple: its siblings are an array) and the proof inline (a static tuple of ten words); the
 * area follows, its siblings last.
 */
export function encodeCastSecretBallot(a: SecretBallotArgs): Buffer {
  if (a.proof.points.length !== 8) throw new RangeError("a proof has eight points");
  const headWords = 3 + 1 + 2 + 8;
  const sibling = (s: string) => {
    if (!/^0x[0-9a-fA-F]{64}$/.test(s)) throw new TypeError(`not a bytes32: ${s}`);
    return s.slice(2).toLowerCase();
  };
  const words = [
    uintWord(a.pollId),
    uintWord(a.choices),
    uintWord(a.revision),
    uintWord(BigInt(headWords * 32)),
    uintWord(a.proof.nullifier),
    uintWord(a.proof.depth),
    ...a.proof.points.map(uintWord),
    uint32Word(a.area.area),
    uint32Word(a.area.members),
    uintWord(a.area.root),
    uint32Word(a.area.index),
    uintWord(5n * 32n),
    uintWord(BigInt(a.area.siblings.length)),
    ...a.area.siblings.map(sibling),
  ];
  return Buffer.from(SELECTOR + words.join(""), "hex");
}

/**
 * castSecretBallot calldata read back, for an audit reading every ballot's transaction: only the
 * layout `encodeCastSecretBallot` writes (what the API relays), with every uint32 in range. Anything
 * else — another function, another layout the ABI also allows — gives null, for the generic decoder.
 */
export function decodeCastSecretBallot(data: string): SecretBallotArgs | null {
  const hex = data.startsWith("0x") ? data.slice(2) : data;
  const headWords = 3 + 1 + 2 + 8;
  if (hex.slice(0, 8).toLowerCase() !== SELECTOR || (hex.length - 8) % 64 !== 0) return null;
  const words = (hex.length - 8) / 64;
  const word = (i: number) => BigInt(`0x${hex.slice(8 + i * 64, 8 + (i + 1) * 64)}`);
  if (words < headWords + 6 || word(3) !== BigInt(headWords * 32) || word(headWords + 4) !== 5n * 32n) return null;
  const siblings = word(headWords + 5);
  if (BigInt(words) !== BigInt(headWords + 6) + siblings) return null;
  const small = [headWords, headWords + 1, headWords + 3].map(word);
  if (small.some((v) => v > 0xffffffffn)) return null;
  const [area, members, index] = small.map(Number) as [number, number, number];
  return {
    pollId: word(0),
    choices: word(1),
    revision: word(2),
    proof: { nullifier: word(4), depth: word(5), points: Array.from({ length: 8 }, (_, k) => word(6 + k)) },
    area: {
      area,
      members,
      root: word(headWords + 2),
      index,
      siblings: Array.from(
        { length: Number(siblings) },
        (_, k) => `0x${hex.slice(8 + (headWords + 6 + k) * 64, 8 + (headWords + 7 + k) * 64).toLowerCase()}`,
      ),
    },
  };
}
