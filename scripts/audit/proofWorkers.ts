/**
 * A secret poll's membership proofs checked on every core: the claims go in chunks to worker threads,
 * each with its own batch verifier, and the verdicts come back in order. The pairings are the bulk of
 * an audit, so this is what makes a large poll's audit scale with the machine.
 */
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { MembershipClaim } from "../../contracts/protocol/node/membershipCheck";
import { workerSource } from "../../contracts/protocol/node/workerSource";
import type { ChunkAnswer, ChunkRequest } from "./proofWorker";

/** Proofs checked together: past a few hundred, a batch saves little more. */
export const CHUNK = 256;

/** Whether each claim's proof verifies, in order, using up to `threads` worker threads. */
export async function checkOnAllCores(
  claims: readonly MembershipClaim[],
  threads = os.availableParallelism(),
): Promise<boolean[]> {
  const chunks: MembershipClaim[][] = [];
  for (let i = 0; i < claims.length; i += CHUNK) chunks.push(claims.slice(i, i + CHUNK));
  const verdicts: boolean[][] = [];
  const { source, eval: isEval } = workerSource(path.join(__dirname, "proofWorker"), __filename);
  const workers = Array.from(
    { length: Math.max(1, Math.min(threads, chunks.length)) },
    () => new Worker(source, { eval: isEval }),
  );
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const give = () => {
              if (next >= chunks.length) return resolve();
              const index = next++;
              worker.postMessage({ index, claims: chunks[index]! } satisfies ChunkRequest);
            };
            worker.on("message", (answer: ChunkAnswer) => {
              if (answer.error !== undefined || !answer.valid) return reject(new Error(answer.error));
              verdicts[answer.index] = answer.valid;
              give();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => reject(new Error(`a proof-check thread exited (${code})`)));
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return verdicts.flat();
}
