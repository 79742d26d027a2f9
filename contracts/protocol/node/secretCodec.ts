/**
 * Secret ballots' encodings on the native hash, for the API's intake, relayer and indexer: the proof's
 * scope and message, the leaf, and castSecretBallot calldata, without ethers' generic ABI coder. The
 * fast path beside ../secretBallot.ts (and ethers' encoding of the ballot box's ABI), checked byte for
 * byte against them in test/contracts/protocol.
 */
import type { secretBallotLeaf } from "../secretBallot";
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

export interface SecretBallotArgs {
  pollId: bigint;
  choices: bigint;
  revision: bigint;
  area: { area: number; members: number; root: bigint; index: number; siblings: readonly string[] };
  proof: { nullifier: bigint; depth: bigint; points: readonly bigint[] };
}

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
