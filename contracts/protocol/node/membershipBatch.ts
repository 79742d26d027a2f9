/**
 * The batch verifier (../membershipBatch.ts) as Node runs it: verification keys read from the npm
 * package `@zk-kit/semaphore-artifacts`, Semaphore's field hash on the native keccak.
 */
import { MembershipBatchVerifier as BatchVerifier } from "../membershipBatch";
import { snarkHash } from "./membershipCheck";
import { verificationKey } from "./semaphoreArtifacts";

export { SNARK_SCALAR_FIELD } from "../membershipBatch";

export type MembershipBatchVerifier = BatchVerifier;

export const MembershipBatchVerifier = {
  /** `checkSubgroups`: see BatchVerifierOptions. */
  create(options: { checkSubgroups?: boolean } = {}): Promise<BatchVerifier> {
    return BatchVerifier.create({ ...options, key: verificationKey, snarkHash });
  },
};
