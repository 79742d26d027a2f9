/**
 * Making the anonymous identity on this device and enrolling its commitment: the identity is locked
 * and stored before the request, so a commitment the registry records is never lost to a closed tab.
 */
import { Identity } from "@semaphore-protocol/identity";
import { api } from "../api";
import type { IdentityState } from "../secretTypes";
import { encryptIdentity, keepIdentityUnlocked, saveIdentity } from "./identity";

export async function createAndEnrolIdentity(residentId: string, password: string): Promise<IdentityState> {
  const identity = new Identity();
  saveIdentity(residentId, await encryptIdentity(residentId, identity, password));
  keepIdentityUnlocked(residentId, identity);
  return enrolCommitment(identity.commitment.toString());
}

/** Sends the commitment kept here to the registry again (an earlier request never arrived). */
export function enrolCommitment(commitment: string): Promise<IdentityState> {
  return api<IdentityState>("POST", "/api/me/identity", { commitment });
}
