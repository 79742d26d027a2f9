/** One thread of `buildCensusOnThreads`: lists of commitments in, their areas' roots out, in order. */
import { parentPort, workerData } from "node:worker_threads";
import { censusAreaRoot } from "../census";

parentPort!.postMessage((workerData as bigint[][]).map(censusAreaRoot));
