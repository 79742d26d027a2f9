/**
 * Native keccak-256 and secp256k1 for Node (the npm `keccak` and `secp256k1` packages ship prebuilt
 * bindings). The API's ballot intake and relaying, the indexer's trees and the audit of large polls
 * hash and recover millions of times; in plain JS a hash costs ~5 µs and a recovery ~1 ms. Not
 * exported from the protocol's index: the browser client never loads it.
 */
import createKeccak from "keccak";
import secp256k1 from "secp256k1";
import type { HashFn } from "../tree";

/** The sponge inside the `keccak` package's stream wrapper; driving it directly skips a stream per hash. */
interface KeccakSponge {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}

function rawSponge(): KeccakSponge | null {
  const state = (createKeccak("keccak256") as unknown as { _state?: Partial<KeccakSponge> })._state;
  const usable =
    state &&
    typeof state.initialize === "function" &&
    typeof state.absorb === "function" &&
    typeof state.squeeze === "function";
  return usable ? (state as KeccakSponge) : null;
}

const sponge = rawSponge();

/**
 * Hashes are copied into shared 128 KB slabs: a tree keeps every node, and a million Buffers each with
 * its own native backing store cost more than twice the memory and much of the time in GC.
 */
const SLAB = 32 * 4096;
let slab = Buffer.allocUnsafeSlow(SLAB);
let used = 0;

function pooled(digest: Buffer): Buffer {
  if (used === SLAB) {
    slab = Buffer.allocUnsafeSlow(SLAB);
    used = 0;
  }
  const out = slab.subarray(used, used + 32);
  digest.copy(out);
  used += 32;
  return out;
}

/** keccak256 of `data`: a 32-byte Buffer that must never be written to. */
export const keccak256Native: HashFn = sponge
  ? (data) => {
      sponge.initialize(1088, 512);
      sponge.absorb(data);
      return pooled(sponge.squeeze(32));
    }
  : (data) => pooled(createKeccak("keccak256").update(data).digest());

/** secp256k1 curve order / 2: the contract (OpenZeppelin ECDSA) rejects signatures with a larger s. */
const HALF_ORDER = Buffer.from("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", "hex");

/**
 * The lower-case address that signed `digest` with a 65-byte r‖s‖v signature, or null where the
 * contract's ECDSA.tryRecover would fail (wrong length, v not 27/28, high s, no point).
 */
export function recoverAddress(digest: Buffer, signature: Buffer): string | null {
  if (signature.length !== 65) return null;
  const v = signature[64];
  if (v !== 27 && v !== 28) return null;
  if (Buffer.compare(signature.subarray(32, 64), HALF_ORDER) > 0) return null;
  try {
    const publicKey = secp256k1.ecdsaRecover(signature.subarray(0, 64), v - 27, digest, false);
    return `0x${keccak256Native(Buffer.from(publicKey.subarray(1)))
      .subarray(12)
      .toString("hex")}`;
  } catch {
    return null;
  }
}

/** EIP-55 mixed-case form of an address. */
export function checksumAddress(address: string): string {
  const hex = address.slice(2).toLowerCase();
  const hash = keccak256Native(Buffer.from(hex, "ascii")).toString("hex");
  let out = "0x";
  for (let i = 0; i < 40; i++) out += parseInt(hash[i]!, 16) >= 8 ? hex[i]!.toUpperCase() : hex[i]!;
  return out;
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

/** The lower-case address of a private key. */
export function addressOf(privateKey: Buffer): string {
  const publicKey = secp256k1.publicKeyCreate(privateKey, false);
  return `0x${keccak256Native(Buffer.from(publicKey.subarray(1)))
    .subarray(12)
    .toString("hex")}`;
}
