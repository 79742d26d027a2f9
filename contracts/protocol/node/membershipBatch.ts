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
 * precompile also checks G2 subgroups, stays the authority on what is counted.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { semaphoreArtifactsDir } from "./membershipProof";
import { snarkHash } from "./membershipCheck";
import type { MembershipClaim } from "./membershipCheck";

// ffjavascript ships no types: the few calls used here.
type Point = Uint8Array;
interface CurveGroup {
  fromObject(o: readonly (string | bigint)[] | readonly (readonly (string | bigint)[])[]): Point;
  timesScalar(p: Point, s: bigint): Point;
  add(a: Point, b: Point): Point;
  neg(p: Point): Point;
  isValid(p: Point): boolean;
  isZero(p: Point): boolean;
  zero: Point;
}
interface Curve {
  G1: CurveGroup;
  G2: CurveGroup;
  pairingEq(...pairs: Point[]): Promise<boolean>;
  terminate(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildBn128 } = require("ffjavascript") as { buildBn128: (singleThread?: boolean) => Promise<Curve> };

/** The BN254 scalar field: public inputs must be below it. */
export const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

interface VerificationKeyJson {
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

interface VerificationKey {
  alpha: Point;
  beta: Point;
  gamma: Point;
  delta: Point;
  ic: Point[];
}

/** A proof decoded into points, or null when it is malformed (off the curve, inputs out of the field). */
interface Decoded {
  a: Point;
  b: Point;
  c: Point;
  inputs: bigint[];
}

export interface BatchVerifierOptions {
  /**
   * Also check that each proof's G2 point is in the prime-order subgroup, as the chain's pairing
   * precompile does (about a millisecond a proof). A check that stands in for the chain's, such as the
   * API's before its 202, needs it to refuse exactly what the chain refuses; an audit of ballots the
   * chain already took does not.
   */
  checkSubgroups?: boolean;
}

export class MembershipBatchVerifier {
  private readonly keys = new Map<number, VerificationKey>();

  private constructor(
    private readonly curve: Curve,
    private readonly options: BatchVerifierOptions,
  ) {}

  /** One verifier per thread: the curve's WebAssembly runs on the calling thread. */
  static async create(options: BatchVerifierOptions = {}): Promise<MembershipBatchVerifier> {
    return new MembershipBatchVerifier(await buildBn128(true), options);
  }

  async close(): Promise<void> {
    await this.curve.terminate();
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
      const key = this.key(depth);
      const stack = [list];
      while (stack.length > 0) {
        const batch = stack.pop()!;
        if (
          await this.batchHolds(
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
    const { G1, G2 } = this.curve;
    if (claim.points.length !== 8 || !Number.isInteger(claim.depth) || claim.depth < 1 || claim.depth > 32) return null;
    const inputs = [claim.root, claim.nullifier, snarkHash(claim.message), snarkHash(claim.scope)];
    const coordinates = claim.points;
    if (inputs.some((x) => x < 0n || x >= SNARK_SCALAR_FIELD)) return null;
    if (coordinates.some((x) => x < 0n || x >= BN254_BASE_FIELD)) return null;
    const p = coordinates;
    // Semaphore packs G2 coordinates as the EVM precompile takes them: imaginary part first.
    const a = G1.fromObject([p[0]!, p[1]!]);
    const b = G2.fromObject([
      [p[3]!, p[2]!],
      [p[5]!, p[4]!],
    ]);
    const c = G1.fromObject([p[6]!, p[7]!]);
    if (!G1.isValid(a) || !G2.isValid(b) || !G1.isValid(c)) return null;
    // G1 has cofactor 1, so on the curve is in the group; G2 does not.
    if (this.options.checkSubgroups && !G2.isZero(G2.timesScalar(b, SNARK_SCALAR_FIELD))) return null;
    return { a, b, c, inputs };
  }

  private key(depth: number): VerificationKey {
    let key = this.keys.get(depth);
    if (!key) {
      const file = path.join(semaphoreArtifactsDir(), `semaphore-${depth}.json`);
      const vk = JSON.parse(fs.readFileSync(file, "utf8")) as VerificationKeyJson;
      const { G1, G2 } = this.curve;
      // ffjavascript reads numbers, not decimal strings.
      const g1 = (p: string[]) => G1.fromObject(p.map(BigInt));
      const g2 = (p: string[][]) => G2.fromObject(p.map((c) => c.map(BigInt)));
      key = {
        alpha: g1(vk.vk_alpha_1),
        beta: g2(vk.vk_beta_2),
        gamma: g2(vk.vk_gamma_2),
        delta: g2(vk.vk_delta_2),
        ic: vk.IC.map(g1),
      };
      this.keys.set(depth, key);
    }
    return key;
  }

  private async batchHolds(key: VerificationKey, proofs: readonly Decoded[]): Promise<boolean> {
    const { G1 } = this.curve;
    const weights = proofs.map(() => BigInt(`0x${crypto.randomBytes(16).toString("hex")}`) | 1n);
    const pairs: Point[] = [];
    let weightSum = 0n;
    const inputSums = key.ic.slice(1).map(() => 0n);
    let c = G1.zero;
    proofs.forEach((proof, i) => {
      const r = weights[i]!;
      weightSum += r;
      proof.inputs.forEach((x, j) => (inputSums[j] = (inputSums[j]! + r * x) % SNARK_SCALAR_FIELD));
      pairs.push(G1.neg(G1.timesScalar(proof.a, r)), proof.b);
      c = G1.add(c, G1.timesScalar(proof.c, r));
    });
    weightSum %= SNARK_SCALAR_FIELD;
    let x = G1.timesScalar(key.ic[0]!, weightSum);
    inputSums.forEach((s, j) => (x = G1.add(x, G1.timesScalar(key.ic[j + 1]!, s))));
    pairs.push(x, key.gamma, c, key.delta, G1.timesScalar(key.alpha, weightSum), key.beta);
    return this.curve.pairingEq(...pairs);
  }
}

/** The BN254 base field: proof coordinates must be below it. */
const BN254_BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
