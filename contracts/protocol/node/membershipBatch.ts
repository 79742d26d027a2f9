/**
 * The batch verifier (../membershipBatch.ts) as Node runs it: verification keys read from the npm
 * package `@zk-kit/semaphore-artifacts`, Semaphore's field hash on the native keccak.
 */
import fs from "node:fs";
import path from "node:path";
import { MembershipBatchVerifier as BatchVerifier } from "../membershipBatch";
import type { VerificationKeyJson } from "../membershipBatch";
import { snarkHash } from "./membershipCheck";
import { semaphoreArtifactsDir } from "./semaphoreArtifacts";

export { SNARK_SCALAR_FIELD } from "../membershipBatch";

export type MembershipBatchVerifier = BatchVerifier;

export const MembershipBatchVerifier = {
  /** `checkSubgroups`: see BatchVerifierOptions. */
  create(options: { checkSubgroups?: boolean } = {}): Promise<BatchVerifier> {
    return BatchVerifier.create({ ...options, key: readKey, snarkHash });
  },
};

function readKey(depth: number): VerificationKeyJson {
  const file = path.join(semaphoreArtifactsDir(), `semaphore-${depth}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as VerificationKeyJson;
}
