/**
 * A census built with its areas' roots computed on worker threads. Each root is a Poseidon tree, some
 * 95,000 hashes in JS for a census of 100,000 residents — about 17 s on one core. On threads it takes
 * every core, and it leaves the calling thread free: the API's serves requests meanwhile. A small
 * census is built in the calling thread, where a thread's start would cost more than it saves.
 */
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { assembleCensus, buildCensus, censusAreaMembers } from "../census";
import type { Census, CensusMember } from "../census";
import { workerSource } from "./workerSource";

/** Up to this many members, the census is built in the calling thread. */
export const INLINE_MEMBERS = 4096;

/** The roots of `lists` of commitments, computed on one worker thread. */
function rootsOnThread(lists: bigint[][]): Promise<bigint[]> {
  const { source, eval: isEval } = workerSource(path.join(__dirname, "censusRootsWorker"), __filename);
  const worker = new Worker(source, { eval: isEval, workerData: lists });
  return new Promise<bigint[]>((resolve, reject) => {
    worker.once("message", (roots: bigint[]) => resolve(roots));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`a census thread exited (${code}) before answering`)));
  }).finally(() => void worker.terminate());
}

/** What `buildCensus` builds, its areas' roots computed on up to `threads` threads. */
export async function buildCensusOnThreads(
  members: readonly CensusMember[],
  threads = os.availableParallelism(),
): Promise<Census> {
  if (members.length <= INLINE_MEMBERS || threads < 1) return buildCensus(members);
  const areas = censusAreaMembers(members);
  // Consecutive runs of areas with about as many members each: a root's cost follows its members.
  const share = members.length / threads;
  const runs: bigint[][][] = [[]];
  let taken = 0;
  for (const a of areas) {
    if (taken >= share * runs.length && runs.length < threads) runs.push([]);
    runs[runs.length - 1]!.push(a.commitments);
    taken += a.commitments.length;
  }
  const roots = await Promise.all(runs.map(rootsOnThread));
  return assembleCensus(areas, roots.flat());
}
