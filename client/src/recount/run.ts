/** Starts a recount in a Web Worker; resolves with its result and reports progress on the way. */
import type { RecountProgress, RecountRequest, RecountResult } from "./recount";
import type { WorkerAnswer } from "./worker";

export function runRecount(request: RecountRequest, onProgress: (p: RecountProgress) => void): Promise<RecountResult> {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise<RecountResult>((resolve, reject) => {
    worker.addEventListener("message", (event: MessageEvent<WorkerAnswer>) => {
      const answer = event.data;
      if (answer.type === "progress") return onProgress(answer.progress);
      worker.terminate();
      if (answer.type === "done") resolve(answer.result);
      else reject(new Error(answer.message));
    });
    worker.addEventListener("error", (event) => {
      worker.terminate();
      reject(new Error(event.message || "recount worker failed"));
    });
    worker.postMessage(request);
  });
}
