// QBFT `extraData` codec, byte-compatible with Besu's QbftExtraDataCodec and
// `besu rlp encode --type=QBFT_EXTRA_DATA`:
//   RLP([32-byte vanity, [validator addresses], vote, round, [seals]])
// where "no vote" is an empty list (0xc0), a drop vote is [address, ""] and an
// add vote is [address, 0xff]; round is an RLP scalar (0 -> 0x80).
import { decodeRlp, encodeRlp, getAddress, hexlify, isHexString, toBeHex } from "ethers";

const VANITY_BYTES = 32;
const SEAL_BYTES = 65;
const ADD_VOTE = "0xff";
const ZERO_VANITY = "0x" + "00".repeat(VANITY_BYTES);

export interface QbftVote {
  recipient: string;
  add: boolean;
}

export interface QbftExtraData {
  vanity: string;
  validators: string[];
  vote: QbftVote | null;
  round: number;
  seals: string[];
}

type RlpValue = string | RlpValue[];

function checkBytes(hex: string, size: number, what: string): string {
  if (!isHexString(hex, size)) throw new Error(`${what} must be ${size} bytes of hex, got ${hex}`);
  return hex.toLowerCase();
}

function addressBytes(address: string): string {
  // getAddress rejects malformed input and bad mixed-case checksums.
  return getAddress(address).toLowerCase();
}

function roundScalar(round: number): string {
  if (!Number.isSafeInteger(round) || round < 0) throw new Error(`round must be a non-negative integer, got ${round}`);
  // RLP scalars drop leading zeros; zero is the empty string (0x80).
  return round === 0 ? "0x" : toBeHex(round);
}

/** Encodes any QBFT extra data; genesis uses `encodeGenesisExtraData`. */
export function encodeQbftExtraData(data: QbftExtraData): string {
  const vote: RlpValue = data.vote ? [addressBytes(data.vote.recipient), data.vote.add ? ADD_VOTE : "0x"] : [];
  return encodeRlp([
    checkBytes(data.vanity, VANITY_BYTES, "vanity"),
    data.validators.map(addressBytes),
    vote,
    roundScalar(data.round),
    data.seals.map((s) => checkBytes(s, SEAL_BYTES, "seal")),
  ]);
}

/**
 * Genesis extra data: zero vanity, no vote, round 0, no seals. Validators keep
 * the given order, like `besu rlp encode` (sort them before calling).
 */
export function encodeGenesisExtraData(validators: readonly string[]): string {
  return encodeQbftExtraData({ vanity: ZERO_VANITY, validators: [...validators], vote: null, round: 0, seals: [] });
}

function asBytes(item: RlpValue | undefined, what: string): string {
  if (typeof item !== "string") throw new Error(`QBFT extra data: ${what} must be a byte string`);
  return item;
}

function asList(item: RlpValue | undefined, what: string): RlpValue[] {
  if (!Array.isArray(item)) throw new Error(`QBFT extra data: ${what} must be a list`);
  return item;
}

function decodeVote(item: RlpValue | undefined): QbftVote | null {
  const list = asList(item, "vote");
  if (list.length === 0) return null;
  const [recipient, kind] = list;
  const type = asBytes(kind, "vote type");
  if (type !== "0x" && type !== ADD_VOTE) throw new Error(`QBFT extra data: bad vote type ${type}`);
  return {
    recipient: getAddress(checkBytes(asBytes(recipient, "vote recipient"), 20, "vote recipient")),
    add: type === ADD_VOTE,
  };
}

function decodeRound(item: RlpValue | undefined): number {
  const hex = asBytes(item, "round");
  if (hex === "0x") return 0;
  if (hex.startsWith("0x00")) throw new Error("QBFT extra data: round is not a canonical scalar");
  const round = Number(BigInt(hex));
  if (!Number.isSafeInteger(round)) throw new Error("QBFT extra data: round out of range");
  return round;
}

/** Decodes QBFT extra data; validator addresses come back checksummed. */
export function decodeQbftExtraData(extraData: string): QbftExtraData {
  if (!isHexString(extraData) || extraData === "0x") throw new Error("QBFT extra data must be non-empty hex");
  const root = asList(decodeRlp(extraData), "extra data");
  if (root.length < 5) throw new Error(`QBFT extra data: expected 5 items, got ${root.length}`);
  const [vanity, validators, vote, round, seals] = root;
  return {
    vanity: hexlify(checkBytes(asBytes(vanity, "vanity"), VANITY_BYTES, "vanity")),
    validators: asList(validators, "validators").map((v) =>
      getAddress(checkBytes(asBytes(v, "validator"), 20, "validator")),
    ),
    vote: decodeVote(vote),
    round: decodeRound(round),
    seals: asList(seals, "seals").map((s) => checkBytes(asBytes(s, "seal"), SEAL_BYTES, "seal")),
  };
}
