/** Runs a recount (of an open or a secret poll) off the page's thread and reports progress back. */
import "../polyfills";
import { recountPoll } from "./recount";
import type { RecountProgress, RecountRequest, RecountResult } from "./recount";
import { recountSecretPoll } from "./secretRecount";
import type { SecretRecountProgress, SecretRecountRequest, SecretRecountResult } from "./secretRecount";

export type WorkerRequest = ({ secret: false } & RecountRequest) | ({ secret: true } & SecretRecountRequest);

export type WorkerAnswer =
  | { type: "progress"; progress: RecountProgress | SecretRecountProgress }
  | { type: "done"; result: RecountResult | SecretRecountResult }
  | { type: "error"; message: string };

const post = (answer: WorkerAnswer) => postMessage(answer);

addEventListener("message", (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  const onProgress = (progress: RecountProgress | SecretRecountProgress) => post({ type: "progress", progress });
  const work: Promise<RecountResult | SecretRecountResult> = request.secret
    ? recountSecretPoll(request, onProgress)
    : recountPoll(request, onProgress);
  work
    .then((result) => post({ type: "done", result }))
    .catch((error: unknown) =>
      post({ type: "error", message: error instanceof Error ? error.message : String(error) }),
    );
});
