/**
 * Semaphore membership proofs in Node, with the proving files from the npm package
 * `@zk-kit/semaphore-artifacts` (Semaphore's own loader would download them at run time).
 */
import type { Identity } from "@semaphore-protocol/identity";
import type { Group } from "@semaphore-protocol/group";
import { generateProof } from "@semaphore-protocol/proof";
import type { SemaphoreProof } from "@semaphore-protocol/proof";
import { semaphoreArtifacts } from "./semaphoreArtifacts";

/** A proof that `identity` is in `group`, bound to `message` and `scope`, made with the circuit of `depth`. */
export function proveMembership(
  identity: Identity,
  group: Group,
  message: bigint,
  scope: bigint,
  depth: number,
): Promise<SemaphoreProof> {
  return generateProof(identity, group, message, scope, depth, semaphoreArtifacts(depth));
}
