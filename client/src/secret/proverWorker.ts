/**
 * The prover's worker: readies an area (census, group, proving files, curve), proves secret ballots,
 * and times proofs at a given depth (how the proof-time figure is measured). Each request carries an
 * id its answers repeat, since the page may ask to prove while the area is still being readied.
 */
import "../polyfills";
import { measureProof, prepareArea, ProveError, proveSecretBallot } from "./prover";
import type { ChainCensus, MeasureResult, ProveProgress, ProveRequest, ProveResult } from "./prover";

/** An area readied: whether the identity with the given (public) commitment is in its group. */
export interface Readied {
  member: boolean;
}

export type ProverRequest =
  | { id: number; kind: "prepare"; pollId: number; area: number; census: ChainCensus; commitment: string }
  | { id: number; kind: "prove"; request: ProveRequest }
  | { id: number; kind: "measure"; depth: number };

export type ProverAnswer = { id: number } & (
  | { type: "progress"; progress: ProveProgress }
  | { type: "done"; result: ProveResult | MeasureResult | Readied }
  | { type: "error"; code: string; message: string }
);

addEventListener("message", (event: MessageEvent<ProverRequest>) => {
  const ask = event.data;
  const post = (answer: ProverAnswer) => postMessage(answer);
  const onProgress = (progress: ProveProgress) => post({ id: ask.id, type: "progress", progress });
  const work: Promise<ProveResult | MeasureResult | Readied> =
    ask.kind === "prepare"
      ? prepareArea(ask.pollId, ask.area, ask.census, undefined, onProgress).then((ready) => ({
          member: ready.group.indexOf(BigInt(ask.commitment)) >= 0,
        }))
      : ask.kind === "prove"
        ? proveSecretBallot(ask.request, onProgress)
        : measureProof(ask.depth, onProgress);
  work
    .then((result) => post({ id: ask.id, type: "done", result }))
    .catch((error: unknown) =>
      post({
        id: ask.id,
        type: "error",
        code: error instanceof ProveError ? error.code : "PROOF_FAILED",
        message: error instanceof Error ? error.message : String(error),
      }),
    );
});
