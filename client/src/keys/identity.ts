/**
 * The resident's anonymous identity for secret polls: a Semaphore v4 identity made on this device,
 * kept beside the voter key and locked the same way (AES-GCM under a PBKDF2 key from the password).
 * Only its commitment leaves the device; the secret proves membership in a poll's census without
 * saying which member.
 */
import { Identity } from "@semaphore-protocol/identity";
import { VaultError, seal, unseal } from "./vault";
import type { Sealed } from "./vault";

const PREFIX = "veche.identity.";

export interface StoredIdentity extends Sealed {
  version: 1;
  /** The identity commitment, decimal: public, and what the registry records. */
  commitment: string;
}

const identityBinding = (residentId: string, commitment: string) => `veche-identity|${residentId}|${commitment}`;

export async function encryptIdentity(
  residentId: string,
  identity: Identity,
  password: string,
): Promise<StoredIdentity> {
  if (password === "") throw new VaultError("PASSWORD_REQUIRED");
  const commitment = identity.commitment.toString();
  const sealed = await seal(identity.export(), password, identityBinding(residentId, commitment));
  return { version: 1, commitment, ...sealed };
}

export async function decryptIdentity(residentId: string, stored: StoredIdentity, password: string): Promise<Identity> {
  if (password === "") throw new VaultError("PASSWORD_REQUIRED");
  const identity = Identity.import(await unseal(stored, password, identityBinding(residentId, stored.commitment)));
  if (identity.commitment.toString() !== stored.commitment) throw new VaultError("IDENTITY_CORRUPT");
  return identity;
}

export function parseStoredIdentity(value: unknown): StoredIdentity | null {
  const s = value as Partial<StoredIdentity> | null;
  const strings = [s?.commitment, s?.salt, s?.iv, s?.ciphertext, s?.createdAt];
  if (
    s?.version !== 1 ||
    s.kdf !== "PBKDF2-SHA256" ||
    typeof s.iterations !== "number" ||
    strings.some((v) => typeof v !== "string") ||
    !/^\d{1,78}$/.test(s.commitment ?? "")
  ) {
    return null;
  }
  return s as StoredIdentity;
}

export function loadIdentity(residentId: string): StoredIdentity | null {
  try {
    return parseStoredIdentity(JSON.parse(localStorage.getItem(PREFIX + residentId) ?? "null"));
  } catch {
    return null;
  }
}

export function saveIdentity(residentId: string, stored: StoredIdentity): void {
  localStorage.setItem(PREFIX + residentId, JSON.stringify(stored));
}

let unlocked: { residentId: string; identity: Identity } | null = null;

/** The decrypted identity for this tab, if the resident unlocked it. */
export function unlockedIdentity(residentId: string): Identity | null {
  return unlocked?.residentId === residentId ? unlocked.identity : null;
}

export function keepIdentityUnlocked(residentId: string, identity: Identity | null): void {
  unlocked = identity ? { residentId, identity } : null;
}

/** Opens the stored identity with `password` and keeps it for this tab. */
export async function unlockIdentity(residentId: string, password: string): Promise<Identity> {
  const here = unlockedIdentity(residentId);
  if (here) return here;
  const stored = loadIdentity(residentId);
  if (!stored) throw new VaultError("IDENTITY_MISSING");
  const identity = await decryptIdentity(residentId, stored, password);
  keepIdentityUnlocked(residentId, identity);
  return identity;
}

/** Locks the identity here with `newPassword` (after a password reset), when there is one. */
export async function relockIdentity(residentId: string, oldPassword: string, newPassword: string): Promise<void> {
  const stored = loadIdentity(residentId);
  if (!stored) return;
  const identity = await decryptIdentity(residentId, stored, oldPassword);
  saveIdentity(residentId, await encryptIdentity(residentId, identity, newPassword));
  keepIdentityUnlocked(residentId, identity);
}
