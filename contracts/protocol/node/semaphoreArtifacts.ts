/**
 * Where the npm package `@zk-kit/semaphore-artifacts` keeps Semaphore's proving and verification files.
 * Kept apart from the prover (membershipProof.ts), whose library cannot load in a worker thread.
 */
import fs from "node:fs";
import path from "node:path";
import type { VerificationKeyJson } from "../membershipBatch";

/** The folder holding `semaphore-<depth>.wasm`, `.zkey` and `.json` for depths 1 to 32. */
export function semaphoreArtifactsDir(): string {
  return path.dirname(require.resolve("@zk-kit/semaphore-artifacts/package.json"));
}

/** The Groth16 verification key of Semaphore's circuit for `depth`. */
export function verificationKey(depth: number): VerificationKeyJson {
  const file = path.join(semaphoreArtifactsDir(), `semaphore-${depth}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as VerificationKeyJson;
}

export function semaphoreArtifacts(depth: number): { wasm: string; zkey: string } {
  const dir = semaphoreArtifactsDir();
  return { wasm: path.join(dir, `semaphore-${depth}.wasm`), zkey: path.join(dir, `semaphore-${depth}.zkey`) };
}
