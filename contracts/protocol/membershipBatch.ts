/**
 * Checking many Semaphore membership proofs at once, off the node: Groth16 batch verification with
 * random weights. One proof's check is four pairings; a batch of n proofs of the same depth is n + 3
 * Miller loops and one final exponentiation, because for weights r_i unknown to the provers
 *
 *   Π e(-r_i·A_i, B_i) · e(Σ r_i·X_i, γ) · e(Σ r_i·C_i, δ) · e((Σ r_i)·α, β) = 1
 *
 * holds (but for a chance of 2^-128) only if every proof's own equation holds; X_i, the public inputs'
 * point, is summed in the scalar field first, so it costs five multiplications for the whole batch. A
 * batch that fails is split in halves until each bad proof stands alone. Points are checked to be on
 * the curve and public inputs to be field elements, as snarkjs checks them; the chain's verifier, whose
 * precompile also checks G2 subgroups, stays the authority on what is counted. The curve is mcl's BN254
 * in WebAssembly (mcl-wasm), whose multi-pair Miller loop shares its squarings across a batch's pairs.
 */
import * as mcl from "mcl-wasm";
import * as mclInternals from "mcl-wasm/dist/mcl";
import { snarkHash as keccakSnarkHash } from "./secretBallot";

// mcl's WebAssembly calls used here that its typings leave out: stack memory and the multi-pair Miller loop.
const wasm = mclInternals as unknown as {
  stackSave(): number;
  stackAlloc(bytes: number): number;
  stackRestore(top: number): void;
  mod: { _mclBn_millerLoopVec(out: number, g1s: number, g2s: number, n: number): void };
};

/** What a membership proof claims: the ballot box checks the same with Semaphore's verifier. */
export interface MembershipClaim {
  /** The Groth16 proof's eight numbers, as Semaphore packs them. */
  points: readonly bigint[];
  /** The group's root the proof was made against. */
  root: bigint;
  nullifier: bigint;
  /** The message and scope before hashing (secretMessage, secretScope). */
  message: bigint;
  scope: bigint;
  depth: number;
}

/** The BN254 scalar field: public inputs must be below it. */
export const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** A circuit's verification key as `@zk-kit/semaphore-artifacts` ships it (`semaphore-<depth>.json`). */
export interface VerificationKeyJson {
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

interface VerificationKey {
  alpha: mcl.G1;
  beta: mcl.G2;
  gamma: mcl.G2;
  delta: mcl.G2;
  ic: mcl.G1[];
}

/** A proof decoded into points, or null when it is malformed (off the curve, inputs out of the field). */
interface Decoded {
  a: mcl.G1;
  b: mcl.G2;
  c: mcl.G1;
  inputs: bigint[];
}

export interface BatchVerifierOptions {
  /** The verification key of the circuit of a tree depth (1 to 32). */
  key: (depth: number) => VerificationKeyJson | Promise<VerificationKeyJson>;
  /** Semaphore's hash of a message or scope into the field; a faster one can stand in for keccak's. */
  snarkHash?: (value: bigint) => bigint;
  /**
   * Also check that each proof's G2 point is in the prime-order subgroup, as the chain's pairing
   * precompile does (about half a millisecond a proof). A check that stands in for the chain's, such as
   * the API's before its 202, needs it to refuse exactly what the chain refuses; an audit of ballots the
   * chain already took does not.
   */
  checkSubgroups?: boolean;
}

/** mcl set up for BN254 (its BN_SNARK1, the curve of the EVM's precompiles), once per thread. */
let curveReady: Promise<void> | null = null;

export class MembershipBatchVerifier {
  private readonly keys = new Map<number, VerificationKey>();

  private readonly snarkHash: (value: bigint) => bigint;

  private constructor(private readonly options: BatchVerifierOptions) {
    this.snarkHash = options.snarkHash ?? keccakSnarkHash;
  }

  /** One verifier per thread: mcl's WebAssembly runs on the calling thread. */
  static async create(options: BatchVerifierOptions): Promise<MembershipBatchVerifier> {
    await (curveReady ??= mcl.init(mcl.BN_SNARK1).then(() => {
      // Subgroups are checked where asked (checkSubgroups), not on every point read.
      mcl.verifyOrderG1(false);
      mcl.verifyOrderG2(false);
    }));
    return new MembershipBatchVerifier(options);
  }

  /** Whether each claim's proof verifies, in order. */
  async verify(claims: readonly MembershipClaim[]): Promise<boolean[]> {
    const results: boolean[] = claims.map(() => false);
    const byDepth = new Map<number, { index: number; proof: Decoded }[]>();
    claims.forEach((claim, index) => {
      const proof = this.decode(claim);
      if (!proof) return;
      const list = byDepth.get(claim.depth) ?? [];
      list.push({ index, proof });
      byDepth.set(claim.depth, list);
    });
    for (const [depth, list] of byDepth) {
      const key = await this.key(depth);
      const stack = [list];
      while (stack.length > 0) {
        const batch = stack.pop()!;
        if (
          batchHolds(
            key,
            batch.map((p) => p.proof),
          )
        ) {
          for (const p of batch) results[p.index] = true;
        } else if (batch.length > 1) {
          const half = Math.ceil(batch.length / 2);
          stack.push(batch.slice(0, half), batch.slice(half));
        }
      }
    }
    return results;
  }

  private decode(claim: MembershipClaim): Decoded | null {
    if (claim.points.length !== 8 || !Number.isInteger(claim.depth) || claim.depth < 1 || claim.depth > 32) return null;
    const inputs = [claim.root, claim.nullifier, this.snarkHash(claim.message), this.snarkHash(claim.scope)];
    if (inputs.some((x) => x < 0n || x >= SNARK_SCALAR_FIELD)) return null;
    if (claim.points.some((x) => x < 0n || x >= BN254_BASE_FIELD)) return null;
    const p = claim.points;
    const a = g1([p[0]!, p[1]!]);
    // Semaphore packs G2 coordinates as the EVM precompile takes them: imaginary part first.
    const b = g2([
      [p[3]!, p[2]!],
      [p[5]!, p[4]!],
    ]);
    const c = g1([p[6]!, p[7]!]);
    if (!a || !b || !c) return null;
    // G1 has cofactor 1, so on the curve is in the group; G2 does not.
    if (this.options.checkSubgroups && !b.isValidOrder()) return null;
    return { a, b, c, inputs };
  }

  private async key(depth: number): Promise<VerificationKey> {
    let key = this.keys.get(depth);
    if (!key) {
      const vk = await this.options.key(depth);
      const point1 = (p: string[]) => g1([BigInt(p[0]!), BigInt(p[1]!)]);
      const point2 = (p: string[][]) => g2(p.slice(0, 2).map((c) => [BigInt(c[0]!), BigInt(c[1]!)]));
      const [alpha, beta, gamma, delta] = [
        point1(vk.vk_alpha_1),
        point2(vk.vk_beta_2),
        point2(vk.vk_gamma_2),
        point2(vk.vk_delta_2),
      ];
      const ic = vk.IC.map(point1).filter((p) => p !== null);
      if (!alpha || !beta || !gamma || !delta || ic.length !== vk.IC.length) {
        throw new Error(`the verification key of depth ${depth} has a point off the curve`);
      }
      key = { alpha, beta, gamma, delta, ic };
      this.keys.set(depth, key);
    }
    return key;
  }
}

function batchHolds(key: VerificationKey, proofs: readonly Decoded[]): boolean {
  const weights = randomWeights(proofs.length);
  const g1s: mcl.G1[] = [];
  const g2s: mcl.G2[] = [];
  let weightSum = 0n;
  const inputSums = key.ic.slice(1).map(() => 0n);
  proofs.forEach((proof, i) => {
    const r = weights[i]!;
    weightSum += r;
    proof.inputs.forEach((x, j) => (inputSums[j] = (inputSums[j]! + r * x) % SNARK_SCALAR_FIELD));
    g1s.push(mcl.neg(mcl.mul(proof.a, scalar(r))));
    g2s.push(proof.b);
  });
  weightSum %= SNARK_SCALAR_FIELD;
  const c = mcl.mulVec(
    proofs.map((p) => p.c),
    weights.map(scalar),
  );
  const x = mcl.mulVec(key.ic, [weightSum, ...inputSums].map(scalar));
  g1s.push(x, c, mcl.mul(key.alpha, scalar(weightSum)));
  g2s.push(key.gamma, key.delta, key.beta);
  return mcl.finalExp(millerLoops(g1s, g2s)).isOne();
}

/** The product of e'(g1s[i], g2s[i]) before the final exponentiation, the pairs' squarings shared. */
function millerLoops(g1s: readonly mcl.G1[], g2s: readonly mcl.G2[]): mcl.GT {
  let product: mcl.GT | null = null;
  // mcl's stack is a megabyte; a pair takes under 500 bytes.
  for (let from = 0; from < g1s.length; from += 1024) {
    const ps = g1s.slice(from, from + 1024);
    const qs = g2s.slice(from, from + 1024);
    const out = new mcl.GT();
    const top = wasm.stackSave();
    try {
      const outAt = wasm.stackAlloc(sizeOf(out));
      const psAt = copyToStack(ps);
      const qsAt = copyToStack(qs);
      wasm.mod._mclBn_millerLoopVec(outAt, psAt, qsAt, ps.length);
      out.copyFromMem(outAt);
    } finally {
      wasm.stackRestore(top);
    }
    product = product ? mcl.mul(product, out) : out;
  }
  return product ?? new mcl.GT();
}

/** 128-bit random weights, odd so none is zero, from the platform's CSPRNG (Node's and the browser's). */
function randomWeights(count: number): bigint[] {
  const words = globalThis.crypto.getRandomValues(new Uint32Array(count * 4));
  return Array.from({ length: count }, (_, i) => {
    let w = 0n;
    for (let k = 0; k < 4; k++) w = (w << 32n) | BigInt(words[i * 4 + k]!);
    return w | 1n;
  });
}

const sizeOf = (value: mcl.G1 | mcl.G2 | mcl.GT): number => (value as unknown as { a_: Uint32Array }).a_.length * 4;

function copyToStack(values: readonly (mcl.G1 | mcl.G2)[]): number {
  const size = sizeOf(values[0]!);
  const at = wasm.stackAlloc(size * values.length);
  values.forEach((v, i) => v.copyToMem(at + i * size));
  return at;
}

function scalar(value: bigint): mcl.Fr {
  const fr = new mcl.Fr();
  fr.setStr(value.toString(16), 16);
  return fr;
}

/** A G1 point from its affine coordinates, (0, 0) being the point at infinity as for the EVM; null if off the curve. */
function g1([x, y]: readonly bigint[]): mcl.G1 | null {
  const p = new mcl.G1();
  try {
    p.setStr(x === 0n && y === 0n ? "0" : `1 ${x!.toString(16)} ${y!.toString(16)}`, 16);
  } catch {
    return null;
  }
  return p.isValid() ? p : null;
}

/** A G2 point from its affine coordinates, each [real, imaginary]; null if off the twist. */
function g2([x, y]: readonly (readonly bigint[])[]): mcl.G2 | null {
  const coordinates = [...x!, ...y!];
  const p = new mcl.G2();
  try {
    p.setStr(coordinates.every((c) => c === 0n) ? "0" : `1 ${coordinates.map((c) => c.toString(16)).join(" ")}`, 16);
  } catch {
    return null;
  }
  return p.isValid() ? p : null;
}

/** The BN254 base field: proof coordinates must be below it. */
const BN254_BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
