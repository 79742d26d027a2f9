/**
 * Ballot encodings on the native hash and curve, for the hot paths (the API's intake and relaying, the
 * load generator): EIP-712 ballot digests, leaves, castBallot calldata and signed relay transactions,
 * without ethers' generic encoders. Checked byte for byte against ethers in test/contracts/protocol.
 */
import { TypedDataEncoder, encodeRlp, toBeArray } from "ethers";
import type { TypedDataDomain } from "ethers";
import {
  checksumAddress,
  keccak256Native as keccak256,
  recoverAddress as recoverLowerCase,
  signDigest,
} from "./native";

export { keccak256, signDigest };

const BALLOT_TYPEHASH = keccak256(Buffer.from("Ballot(uint256 pollId,uint256 choices,uint256 revision)"));

function word(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, "0"), "hex");
}

/** EIP-712 digests of ballots for one domain, without ethers' generic encoder. */
export class BallotDigester {
  private readonly prefix: Buffer;

  constructor(domain: TypedDataDomain) {
    this.prefix = Buffer.concat([
      Buffer.from([0x19, 0x01]),
      Buffer.from(TypedDataEncoder.hashDomain(domain).slice(2), "hex"),
    ]);
  }

  digest(pollId: bigint, choices: bigint, revision: bigint): Buffer {
    const structHash = keccak256(Buffer.concat([BALLOT_TYPEHASH, word(pollId), word(choices), word(revision)]));
    return keccak256(Buffer.concat([this.prefix, structHash]));
  }
}

/** The checksummed address that signed `digest`, or null where the contract would refuse the signature. */
export function recoverAddress(digest: Buffer, signature: Buffer): string | null {
  const signer = recoverLowerCase(digest, signature);
  return signer === null ? null : checksumAddress(signer);
}

/** keccak256(abi.encode(pollId, voter, choices, revision)): the ballot's leaf, as the contract makes it. */
export function ballotLeafNative(pollId: bigint, voter: string, choices: bigint, revision: bigint): string {
  const address = Buffer.alloc(32);
  Buffer.from(voter.slice(2), "hex").copy(address, 12);
  return `0x${keccak256(Buffer.concat([word(pollId), address, word(choices), word(revision)])).toString("hex")}`;
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

const quantity = (v: bigint | number) => (BigInt(v) === 0n ? "0x" : toBeArray(BigInt(v)));

/** Signs an EIP-155 legacy transaction; returns the raw transaction and its hash. */
export function signLegacyTx(tx: LegacyTx, privateKey: Buffer): { raw: string; hash: string } {
  const fields = [quantity(tx.nonce), quantity(tx.gasPrice), quantity(tx.gasLimit), tx.to, "0x", tx.data];
  const unsigned = Buffer.from(encodeRlp([...fields, quantity(tx.chainId), "0x", "0x"]).slice(2), "hex");
  const { r, s, yParity } = signDigest(keccak256(unsigned), privateKey);
  const v = tx.chainId * 2n + 35n + BigInt(yParity);
  const strip = (h: string) => quantity(BigInt(h));
  const raw = encodeRlp([...fields, quantity(v), strip(r), strip(s)]);
  return { raw, hash: `0x${keccak256(Buffer.from(raw.slice(2), "hex")).toString("hex")}` };
}
