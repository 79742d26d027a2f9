/**
 * The API's proof checker, run as a child process of the API (see localProofVerifier.ts): batches of
 * membership claims in, one verdict each out. The pairing work is CPU-bound WebAssembly that would stall
 * the API's event loop; a process of its own also shows its CPU apart and can be killed and replaced when
 * it hangs.
 */
import { MembershipBatchVerifier } from "../../../contracts/protocol/node/membershipBatch";
import type { MembershipClaim } from "../../../contracts/protocol/node/membershipCheck";

export interface CheckRequest {
  id: number;
  claims: MembershipClaim[];
}

export type CheckAnswer = { id: number; valid: boolean[] } | { id: number; error: string } | { ready: true };

const send = (answer: CheckAnswer) => process.send!(answer);

void MembershipBatchVerifier.create({ checkSubgroups: true }).then((verifier) => {
  // Work arrives one batch at a time: the parent sends the next once this one is answered.
  process.on("message", (request: CheckRequest) => {
    verifier.verify(request.claims).then(
      (valid) => send({ id: request.id, valid }),
      (err: unknown) => send({ id: request.id, error: String(err) }),
    );
  });
  // The parent going away ends the checker with it.
  process.on("disconnect", () => process.exit(0));
  send({ ready: true });
});
