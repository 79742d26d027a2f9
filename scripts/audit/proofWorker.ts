/**
 * One worker thread of the audit's proof checks (proofWorkers.ts): chunks of membership claims in, one
 * verdict each out, from its own batch verifier. It loads no native addon: the npm secp256k1 and
 * keccak bindings keep one reference per process that each thread's exit frees again, and an audit of
 * 100,000 proofs aborted with "double free or corruption" as its threads ended. Two keccak hashes per
 * proof in JavaScript cost nothing beside its pairings.
 */
import { parentPort } from "node:worker_threads";
import { MembershipBatchVerifier } from "../../contracts/protocol/membershipBatch";
import type { MembershipClaim } from "../../contracts/protocol/membershipBatch";
import { verificationKey } from "../../contracts/protocol/node/semaphoreArtifacts";

export interface ChunkRequest {
  index: number;
  claims: MembershipClaim[];
}

export interface ChunkAnswer {
  index: number;
  valid?: boolean[];
  error?: string;
}

const port = parentPort!;
const verifying = MembershipBatchVerifier.create({ key: verificationKey });
port.on("message", (request: ChunkRequest) => {
  verifying
    .then((verifier) => verifier.verify(request.claims))
    .then(
      (valid) => port.postMessage({ index: request.index, valid } satisfies ChunkAnswer),
      (err: unknown) => port.postMessage({ index: request.index, error: String(err) } satisfies ChunkAnswer),
    );
});
