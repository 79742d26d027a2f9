/** Runs a recount off the page's thread and reports progress back. */
import "../polyfills";
import { recountPoll } from "./recount";
import type { RecountProgress, RecountRequest, RecountResult } from "./recount";

export type WorkerAnswer =
  | { type: "progress"; progress: RecountProgress }
  | { type: "done"; result: RecountResult }
  | { type: "error"; message: string };

const post = (answer: WorkerAnswer) => postMessage(answer);

addEventListener("message", (event: MessageEvent<RecountRequest>) => {
  recountPoll(event.data, (progress) => post({ type: "progress", progress }))
    .then((result) => post({ type: "done", result }))
    .catch((error: unknown) =>
      post({ type: "error", message: error instanceof Error ? error.message : String(error) }),
    );
});
