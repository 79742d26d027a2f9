/**
 * The API's hot-path cryptography in native code: at 1,500 ballots a second, recovering each ballot's
 * signer and signing each relay transaction in plain JavaScript (about 1 ms apiece) would use more
 * than the API's share of two cores. Results are checked against ethers in test/api/nativeCrypto.
 */
import createKeccakHash from "keccak";
import secp256k1 from "secp256k1";
import { TypedDataEncoder, encodeRlp, toBeArray } from "ethers";
import type { TypedDataDomain } from "ethers";

export function keccak256(data: Buffer): Buffer {
  return createKeccakHash("keccak256").update(data).digest();
}

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

/** The address that signed `digest` with a 65-byte r‖s‖v signature (v 27 or 28); null if invalid. */
export function recoverAddress(digest: Buffer, signature: Buffer): string | null {
  if (signature.length !== 65) return null;
  const v = signature[64];
  if (v !== 27 && v !== 28) return null;
  try {
    const publicKey = Buffer.from(secp256k1.ecdsaRecover(signature.subarray(0, 64), v - 27, digest, false));
    return checksumAddress(keccak256(publicKey.subarray(1)).subarray(12).toString("hex"));
  } catch {
    return null;
  }
}

/** Signs a 32-byte hash; returns r, s and the recovery id. */
export function signDigest(digest: Buffer, privateKey: Buffer): { r: string; s: string; yParity: 0 | 1 } {
  const { signature, recid } = secp256k1.ecdsaSign(digest, privateKey);
  const sig = Buffer.from(signature);
  return {
    r: `0x${sig.subarray(0, 32).toString("hex")}`,
    s: `0x${sig.subarray(32).toString("hex")}`,
    yParity: recid as 0 | 1,
  };
}

/** keccak256(abi.encode(pollId, voter, choices, revision)): the ballot's leaf, as the contract makes it. */
export function ballotLeafNative(pollId: bigint, voter: string, choices: bigint, revision: bigint): string {
  const address = Buffer.alloc(32);
  Buffer.from(voter.slice(2), "hex").copy(address, 12);
  return `0x${keccak256(Buffer.concat([word(pollId), address, word(choices), word(revision)])).toString("hex")}`;
}

/** EIP-55 mixed-case address from 40 lowercase hex digits. */
export function checksumAddress(hex40: string): string {
  const hash = keccak256(Buffer.from(hex40, "ascii")).toString("hex");
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const c = hex40[i]!;
    out += parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
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
