/**
 * Starts the prover in a Web Worker; resolves with the proof and reports progress on the way. Its
 * failures carry the prover's stable code (NOT_IN_CENSUS, ARTIFACT_MISSING…) as the API's errors do.
 */
import { ApiError } from "../api";
import type { ProveProgress, ProveRequest, ProveResult } from "./prover";
import type { ProverAnswer } from "./proverWorker";

export function runProver(request: ProveRequest, onProgress: (p: ProveProgress) => void): Promise<ProveResult> {
  const worker = new Worker(new URL("./proverWorker.ts", import.meta.url), { type: "module" });
  return new Promise<ProveResult>((resolve, reject) => {
    worker.addEventListener("message", (event: MessageEvent<ProverAnswer>) => {
      const answer = event.data;
      if (answer.type === "progress") return onProgress(answer.progress);
      worker.terminate();
      if (answer.type === "done") resolve(answer.result as ProveResult);
      else reject(new ApiError(0, answer.code, answer.message));
    });
    worker.addEventListener("error", (event) => {
      worker.terminate();
      reject(new ApiError(0, "PROOF_FAILED", event.message || "prover failed"));
    });
    worker.postMessage(request);
  });
}
