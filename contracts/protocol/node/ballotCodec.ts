/**
 * Ballot encodings on the native hash and curve, for the hot paths (the API's intake, relaying and
 * indexer, the audit of large polls, the load generator): EIP-712 ballot digests, signer recovery,
 * leaves, castBallot calldata and signed relay transactions, without ethers' generic encoders. The fast
 * path beside ../ballot.ts, checked byte for byte against it in test/contracts/protocol.
 */
import { TypedDataEncoder } from "ethers";
import type { TypedDataDomain } from "ethers";
import {
  checksumAddress,
  keccak256Native as keccak256,
  recoverAddress as recoverLowerCase,
  signDigest,
} from "./native";

export { keccak256, signDigest };

/** A 65-byte r‖s‖v signature (v 27 or 28, as the contract takes it) over a 32-byte digest. */
export function signatureOf(digest: Buffer, privateKey: Buffer): Buffer {
  const { r, s, yParity } = signDigest(digest, privateKey);
  return Buffer.from(`${r.slice(2)}${s.slice(2)}${(27 + yParity).toString(16)}`, "hex");
}

const BALLOT_TYPEHASH = keccak256(Buffer.from("Ballot(uint256 pollId,uint256 choices,uint256 revision)"));

function word(value: bigint): Buffer {
  return Buffer.from(uintWord(value), "hex");
}

/** A uint256 as the 64 hex digits of its ABI word. */
export function uintWord(value: bigint): string {
  if (value < 0n || value >= 1n << 256n) throw new RangeError(`${value} does not fit in uint256`);
  return value.toString(16).padStart(64, "0");
}

/** An address (any case) as the 64 hex digits of its ABI word. */
export function addressWord(address: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new TypeError(`not an address: ${address}`);
  return address.slice(2).toLowerCase().padStart(64, "0");
}

/**
 * EIP-712 digests of ballots for one domain, without ethers' generic encoder. The `…FromWords` forms
 * take ABI words as hex, as an audit has them from the logs, to skip converting through bigints.
 */
export class BallotDigester {
  private readonly prefix: Buffer;

  constructor(domain: TypedDataDomain) {
    this.prefix = Buffer.concat([
      Buffer.from([0x19, 0x01]),
      Buffer.from(TypedDataEncoder.hashDomain(domain).slice(2), "hex"),
    ]);
  }

  digest(pollId: bigint, choices: bigint, revision: bigint): Buffer {
    return this.digestFromWords(uintWord(pollId), uintWord(choices), uintWord(revision));
  }

  digestFromWords(pollIdWord: string, choicesWord: string, revisionWord: string): Buffer {
    const struct = Buffer.allocUnsafe(128);
    BALLOT_TYPEHASH.copy(struct);
    struct.write(pollIdWord, 32, "hex");
    struct.write(choicesWord, 64, "hex");
    struct.write(revisionWord, 96, "hex");
    return keccak256(Buffer.concat([this.prefix, keccak256(struct)], 66));
  }

  /** The lower-case address that signed the ballot, or null where the contract would refuse the signature. */
  signer(ballot: { pollId: bigint; choices: bigint; revision: bigint; signature: string }): string | null {
    if (!/^0x[0-9a-fA-F]{130}$/.test(ballot.signature)) return null;
    return recoverLowerCase(
      this.digest(ballot.pollId, ballot.choices, ballot.revision),
      Buffer.from(ballot.signature.slice(2), "hex"),
    );
  }
}

/** The checksummed address that signed `digest`, or null where the contract would refuse the signature. */
export function recoverAddress(digest: Buffer, signature: Buffer): string | null {
  const signer = recoverLowerCase(digest, signature);
  return signer === null ? null : checksumAddress(signer);
}

/** One 128-byte preimage, reused: keccak256 copies what it absorbs, so nothing keeps a reference. */
const preimage = Buffer.alloc(128);

/** keccak256(abi.encode(pollId, voter, choices, revision)) from the four ABI words in hex. */
export function leafFromWords(
  pollIdWord: string,
  voterWord: string,
  choicesWord: string,
  revisionWord: string,
): Buffer {
  preimage.write(pollIdWord, 0, "hex");
  preimage.write(voterWord, 32, "hex");
  preimage.write(choicesWord, 64, "hex");
  preimage.write(revisionWord, 96, "hex");
  return keccak256(preimage);
}

/**
 * The ballot's leaf as the contract appends it: a 32-byte Buffer from the native hash's shared slabs
 * (never write to it). `ballotLeaf` in ../ballot.ts is the plain form.
 */
export function ballotLeafNative(ballot: { pollId: bigint; voter: string; choices: bigint; revision: bigint }): Buffer {
  return leafFromWords(
    uintWord(ballot.pollId),
    addressWord(ballot.voter),
    uintWord(ballot.choices),
    uintWord(ballot.revision),
  );
}

/** The leaf as 0x hex, as receipts and the API's answers carry it. */
export function ballotLeafHex(ballot: { pollId: bigint; voter: string; choices: bigint; revision: bigint }): string {
  return `0x${ballotLeafNative(ballot).toString("hex")}`;
}

const CAST_BALLOT_SELECTOR = Buffer.from(
  keccak256(Buffer.from("castBallot(uint256,uint256,uint256,bytes)")).subarray(0, 4),
);

/** ABI-encoded castBallot(pollId, choices, revision, signature) with a 65-byte signature. */
export function encodeCastBallot(pollId: bigint, choices: bigint, revision: bigint, signature: Buffer): Buffer {
  const tail = Buffer.alloc(96);
  signature.copy(tail);
  return Buffer.concat([
    CAST_BALLOT_SELECTOR,
    word(pollId),
    word(choices),
    word(revision),
    word(128n),
    word(BigInt(signature.length)),
    tail,
  ]);
}

export interface LegacyTx {
  nonce: number;
  gasPrice: bigint;
  gasLimit: bigint;
  to: string;
  data: Buffer;
  chainId: bigint;
}

/** A number as RLP takes it: big-endian bytes without leading zeros (none for zero). */
function quantityBytes(value: bigint | number): Buffer {
  const v = BigInt(value);
  if (v === 0n) return Buffer.alloc(0);
  const hex = v.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
}

function rlpLength(length: number, short: number): Buffer {
  if (length <= 55) return Buffer.from([short + length]);
  const bytes = quantityBytes(length);
  return Buffer.concat([Buffer.from([short + 55 + bytes.length]), bytes]);
}

function rlpString(bytes: Buffer): Buffer {
  if (bytes.length === 1 && bytes[0]! < 0x80) return bytes;
  return Buffer.concat([rlpLength(bytes.length, 0x80), bytes]);
}

function rlpList(items: readonly Buffer[]): Buffer {
  const payload = Buffer.concat(items.map(rlpString));
  return Buffer.concat([rlpLength(payload.length, 0xc0), payload]);
}

/** Signs an EIP-155 legacy transaction; returns the raw transaction and its hash. */
export function signLegacyTx(tx: LegacyTx, privateKey: Buffer): { raw: string; hash: string } {
  const to = Buffer.from(tx.to.slice(2), "hex");
  if (to.length !== 20) throw new TypeError(`not an address: ${tx.to}`);
  const fields = [
    quantityBytes(tx.nonce),
    quantityBytes(tx.gasPrice),
    quantityBytes(tx.gasLimit),
    to,
    Buffer.alloc(0),
    tx.data,
  ];
  const unsigned = rlpList([...fields, quantityBytes(tx.chainId), Buffer.alloc(0), Buffer.alloc(0)]);
  const { r, s, yParity } = signDigest(keccak256(unsigned), privateKey);
  const v = tx.chainId * 2n + 35n + BigInt(yParity);
  const raw = rlpList([...fields, quantityBytes(v), quantityBytes(BigInt(r)), quantityBytes(BigInt(s))]);
  return { raw: `0x${raw.toString("hex")}`, hash: `0x${keccak256(raw).toString("hex")}` };
}
