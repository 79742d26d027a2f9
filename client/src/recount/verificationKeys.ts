/**
 * The verification keys of Semaphore's circuits, from the npm package `@zk-kit/semaphore-artifacts`
 * (the same files `veche audit` reads): bundled, a small chunk per tree depth, loaded when a recount
 * meets a proof of that depth. Nothing is fetched from the API or elsewhere.
 */
import type { VerificationKeyJson } from "../../../contracts/protocol/membershipBatch";

const DIR = "../../../node_modules/@zk-kit/semaphore-artifacts";
const keys = import.meta.glob<VerificationKeyJson>(
  "../../../node_modules/@zk-kit/semaphore-artifacts/semaphore-*.json",
  {
    import: "default",
  },
);

export async function verificationKey(depth: number): Promise<VerificationKeyJson> {
  const load = keys[`${DIR}/semaphore-${depth}.json`];
  if (!load) throw new Error(`no verification key for proofs of depth ${depth}`);
  return load();
}
