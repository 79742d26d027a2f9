/** Starts a recount in a Web Worker; resolves with its result and reports progress on the way. */
import type { RecountProgress, RecountRequest, RecountResult } from "./recount";
import type { SecretRecountProgress, SecretRecountRequest, SecretRecountResult } from "./secretRecount";
import type { WorkerAnswer, WorkerRequest } from "./worker";

function run<R>(request: WorkerRequest, onProgress: (p: never) => void): Promise<R> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise<R>((resolve, reject) => {
    worker.addEventListener("message", (event: MessageEvent<WorkerAnswer>) => {
      const answer = event.data;
      if (answer.type === "progress") return onProgress(answer.progress as never);
      worker.terminate();
      if (answer.type === "done") resolve(answer.result as R);
      else reject(new Error(answer.message));
    });
    worker.addEventListener("error", (event) => {
      worker.terminate();
      reject(new Error(event.message || "recount worker failed"));
    });
    worker.postMessage(request);
  });
}

export function runRecount(request: RecountRequest, onProgress: (p: RecountProgress) => void): Promise<RecountResult> {
  return run<RecountResult>({ ...request, secret: false }, onProgress);
}

export function runSecretRecount(
  request: SecretRecountRequest,
  onProgress: (p: SecretRecountProgress) => void,
): Promise<SecretRecountResult> {
  return run<SecretRecountResult>({ ...request, secret: true }, onProgress);
}
