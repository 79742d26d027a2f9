/**
 * Native keccak-256 and secp256k1 for audits of large polls. Pure-JS keccak costs ~5 µs a hash and
 * pure-JS signer recovery ~1 ms; a million-ballot tree needs two million hashes, so both go native
 * (npm `keccak` and `secp256k1` ship prebuilt bindings and fall back to JS where none fits).
 */
import createKeccak from "keccak";
import secp256k1 from "secp256k1";
import type { HashFn } from "../../contracts/protocol";

/** The sponge inside the `keccak` package's stream wrapper; driving it directly skips a stream per hash. */
interface KeccakSponge {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}

const RATE = 1088;
const CAPACITY = 512;

function rawSponge(): KeccakSponge | null {
  const wrapper = createKeccak("keccak256") as unknown as { _state?: Partial<KeccakSponge> };
  const state = wrapper._state;
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

/** keccak256 of `data`; a 32-byte Buffer that is never written again. */
export const keccak256Native: HashFn = sponge
  ? (data) => {
      sponge.initialize(RATE, CAPACITY);
      sponge.absorb(data);
      return pooled(sponge.squeeze(32));
    }
  : (data) => pooled(createKeccak("keccak256").update(data).digest());

/** secp256k1 curve order / 2: the contract (OpenZeppelin ECDSA) rejects signatures with a larger s. */
const HALF_ORDER = Buffer.from("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", "hex");

/**
 * The address that signed `digest` with a 65-byte r‖s‖v signature, or null where the contract's
 * ECDSA.tryRecover would fail (wrong length, v not 27/28, high s, no point).
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
