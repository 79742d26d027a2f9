/**
 * The page's side of the prover: one Web Worker kept while the vote form is shown, readied as the
 * form appears and asked to prove on casting. Failures carry the prover's stable code (NOT_IN_CENSUS,
 * ARTIFACT_MISSING…) as the API's errors do.
 */
import { ApiError } from "../api";
import type { ChainCensus, MeasureResult, ProveProgress, ProveRequest, ProveResult } from "./prover";
import type { ProverAnswer, ProverRequest, Readied } from "./proverWorker";

type Ask = ProverRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

export class Prover {
  private readonly worker = new Worker(new URL("./proverWorker.ts", import.meta.url), { type: "module" });
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress: (p: ProveProgress) => void }
  >();

  constructor() {
    this.worker.addEventListener("message", (event: MessageEvent<ProverAnswer>) => {
      const answer = event.data;
      const pending = this.waiting.get(answer.id);
      if (!pending) return;
      if (answer.type === "progress") return pending.onProgress(answer.progress);
      this.waiting.delete(answer.id);
      if (answer.type === "done") pending.resolve(answer.result);
      else pending.reject(new ApiError(0, answer.code, answer.message));
    });
    this.worker.addEventListener("error", (event) => {
      for (const pending of this.waiting.values()) {
        pending.reject(new ApiError(0, "PROOF_FAILED", event.message || "prover failed"));
      }
      this.waiting.clear();
    });
  }

  private ask<T>(ask: Ask, onProgress: (p: ProveProgress) => void = () => undefined): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.worker.postMessage({ ...ask, id });
    });
  }

  /**
   * Fetches the area's census and proving files and readies the curve, before the resident casts;
   * says whether the (public) commitment is in the area's group.
   */
  prepare(
    pollId: number,
    area: number,
    census: ChainCensus,
    commitment: string,
    onProgress?: (p: ProveProgress) => void,
  ): Promise<Readied> {
    return this.ask<Readied>({ kind: "prepare", pollId, area, census, commitment }, onProgress);
  }

  prove(request: ProveRequest, onProgress: (p: ProveProgress) => void): Promise<ProveResult> {
    return this.ask<ProveResult>({ kind: "prove", request }, onProgress);
  }

  measure(depth: number): Promise<MeasureResult> {
    return this.ask<MeasureResult>({ kind: "measure", depth });
  }

  close(): void {
    this.worker.terminate();
  }
}
