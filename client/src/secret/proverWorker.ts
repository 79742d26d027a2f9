/**
 * Makes a secret ballot's proof off the page's thread and reports progress back. A `{ measure:
 * depth }` message times a proof at that depth instead (how the proof-time figure is measured).
 */
import "../polyfills";
import { measureProof, ProveError, proveSecretBallot } from "./prover";
import type { MeasureResult, ProveProgress, ProveRequest, ProveResult } from "./prover";

export type ProverAnswer =
  | { type: "progress"; progress: ProveProgress }
  | { type: "done"; result: ProveResult | MeasureResult }
  | { type: "error"; code: string; message: string };

const post = (answer: ProverAnswer) => postMessage(answer);

addEventListener("message", (event: MessageEvent<ProveRequest | { measure: number }>) => {
  const request = event.data;
  const onProgress = (progress: ProveProgress) => post({ type: "progress", progress });
  const work =
    "measure" in request ? measureProof(request.measure, onProgress) : proveSecretBallot(request, onProgress);
  work
    .then((result) => post({ type: "done", result }))
    .catch((error: unknown) =>
      post({
        type: "error",
        code: error instanceof ProveError ? error.code : "PROOF_FAILED",
        message: error instanceof Error ? error.message : String(error),
      }),
    );
});
