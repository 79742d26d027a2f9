/**
 * One worker thread of the audit's proof checks (proofWorkers.ts): chunks of membership claims in, one
 * verdict each out, from its own batch verifier.
 */
import { parentPort } from "node:worker_threads";
import { MembershipBatchVerifier } from "../../contracts/protocol/node/membershipBatch";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";

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
const verifying = MembershipBatchVerifier.create();
port.on("message", (request: ChunkRequest) => {
  verifying
    .then((verifier) => verifier.verify(request.claims))
    .then(
      (valid) => port.postMessage({ index: request.index, valid } satisfies ChunkAnswer),
      (err: unknown) => port.postMessage({ index: request.index, error: String(err) } satisfies ChunkAnswer),
    );
});
