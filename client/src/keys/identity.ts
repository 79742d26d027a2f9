/**
 * The resident's anonymous identity for secret polls: a Semaphore v4 identity made on this device,
 * kept beside the voter key and locked the same way (AES-GCM under a PBKDF2 key from the password).
 * Only its commitment leaves the device; the secret proves membership in a poll's census without
 * saying which member.
 */
import { Identity } from "@semaphore-protocol/identity";
import { PBKDF2_ITERATIONS, VaultError, deriveKey, fromB64, toB64 } from "./vault";

const PREFIX = "veche.identity.";

export interface StoredIdentity {
  version: 1;
  /** The identity commitment, decimal: public, and what the registry records. */
  commitment: string;
  kdf: "PBKDF2-SHA256";
  iterations: number;
  salt: string;
  iv: string;
  ciphertext: string;
  createdAt: string;
}

/** Binds the ciphertext to its owner and commitment, so a stored identity cannot be swapped. */
const additionalData = (residentId: string, commitment: string) =>
  new TextEncoder().encode(`veche-identity|${residentId}|${commitment}`);

export async function encryptIdentity(
  residentId: string,
  identity: Identity,
  password: string,
): Promise<StoredIdentity> {
  if (password === "") throw new VaultError("PASSWORD_REQUIRED");
  const commitment = identity.commitment.toString();
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(password, salt, PBKDF2_ITERATIONS);
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(residentId, commitment) },
    key,
    new TextEncoder().encode(identity.export()),
  );
  return {
    version: 1,
    commitment,
    kdf: "PBKDF2-SHA256",
    iterations: PBKDF2_ITERATIONS,
    salt: toB64(salt),
    iv: toB64(iv),
    ciphertext: toB64(ciphertext),
    createdAt: new Date().toISOString(),
  };
}

export async function decryptIdentity(residentId: string, stored: StoredIdentity, password: string): Promise<Identity> {
  if (password === "") throw new VaultError("PASSWORD_REQUIRED");
  const key = await deriveKey(password, fromB64(stored.salt), stored.iterations);
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64(stored.iv), additionalData: additionalData(residentId, stored.commitment) },
      key,
      fromB64(stored.ciphertext),
    );
  } catch {
    throw new VaultError("PASSWORD_WRONG");
  }
  const identity = Identity.import(new TextDecoder().decode(plain));
  if (identity.commitment.toString() !== stored.commitment) throw new VaultError("IDENTITY_CORRUPT");
  return identity;
}

/** A stored identity read back, or null when absent or not one this version understands. */
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
