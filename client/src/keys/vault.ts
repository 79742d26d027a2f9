/**
 * The voter key at rest: its private key encrypted with AES-GCM under a key derived by PBKDF2-SHA256
 * (310,000 iterations, random 16-byte salt) from the resident's password, in localStorage under the
 * resident's id. The server never sees it; the decrypted wallet lives only in this tab's memory.
 */
import { Wallet } from "ethers";
import { PBKDF2_ITERATIONS, keyBinding } from "../../../contracts/protocol/keyBackup";
import type { Sealed, StoredKey } from "../../../contracts/protocol/keyBackup";

export type { Sealed, StoredKey };
const PREFIX = "veche.voterKey.";

export class VaultError extends Error {
  constructor(
    readonly code:
      | "KEY_MISSING"
      | "PASSWORD_REQUIRED"
      | "PASSWORD_WRONG"
      | "KEY_CORRUPT"
      | "BACKUP_INVALID"
      | "BACKUP_NOT_YOURS"
      | "BACKUP_STALE"
      | "IDENTITY_MISSING"
      | "IDENTITY_CORRUPT",
  ) {
    super(code);
  }
}

export const toB64 = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))));
export const fromB64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export async function deriveKey(password: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/**
 * Seals `plain` under the password. `binding` is authenticated but not secret: it ties the ciphertext
 * to its owner and public half, so a stored entry cannot be swapped between residents or keys.
 */
export async function seal(plain: string, password: string, binding: string): Promise<Sealed> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(password, salt, PBKDF2_ITERATIONS);
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(binding) },
    key,
    new TextEncoder().encode(plain),
  );
  return {
    kdf: "PBKDF2-SHA256",
    iterations: PBKDF2_ITERATIONS,
    salt: toB64(salt),
    iv: toB64(iv),
    ciphertext: toB64(ciphertext),
    createdAt: new Date().toISOString(),
  };
}

/** Opens what `seal` sealed with the same binding; PASSWORD_WRONG for a wrong password or binding. */
export async function unseal(sealed: Sealed, password: string, binding: string): Promise<string> {
  const key = await deriveKey(password, fromB64(sealed.salt), sealed.iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64(sealed.iv), additionalData: new TextEncoder().encode(binding) },
      key,
      fromB64(sealed.ciphertext),
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new VaultError("PASSWORD_WRONG");
  }
}

export async function encryptKey(residentId: string, wallet: Wallet, password: string): Promise<StoredKey> {
  const sealed = await seal(wallet.privateKey, password, keyBinding(residentId, wallet.address));
  return { version: 1, address: wallet.address, ...sealed };
}

export async function decryptKey(residentId: string, stored: StoredKey, password: string): Promise<Wallet> {
  const wallet = new Wallet(await unseal(stored, password, keyBinding(residentId, stored.address)));
  if (wallet.address !== stored.address) throw new VaultError("KEY_CORRUPT");
  return wallet;
}

type Slot = "active" | "pending";
const slotKey = (residentId: string, slot: Slot) => PREFIX + residentId + (slot === "pending" ? ".pending" : "");

function readSlot(residentId: string, slot: Slot): StoredKey | null {
  const raw = localStorage.getItem(slotKey(residentId, slot));
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as StoredKey;
    return parsed.version === 1 ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The stored key, preferring the one whose address is `enrolled` (the resident's active key on-chain):
 * a pending key left by an enrolment whose answer never arrived becomes the active one.
 */
export function loadStoredKey(residentId: string, enrolled?: string | null): StoredKey | null {
  const active = readSlot(residentId, "active");
  const pending = readSlot(residentId, "pending");
  if (enrolled && pending && pending.address.toLowerCase() === enrolled.toLowerCase()) {
    promotePending(residentId);
    return pending;
  }
  return active;
}

/** A new key waits in the pending slot until the API confirms its enrolment. */
export function savePendingKey(residentId: string, stored: StoredKey): void {
  localStorage.setItem(slotKey(residentId, "pending"), JSON.stringify(stored));
}

export function promotePending(residentId: string): void {
  const pending = localStorage.getItem(slotKey(residentId, "pending"));
  if (pending === null) return;
  localStorage.setItem(slotKey(residentId, "active"), pending);
  localStorage.removeItem(slotKey(residentId, "pending"));
}

let unlocked: { residentId: string; wallet: Wallet } | null = null;

/** The decrypted voter key for this tab, if the resident unlocked it. */
export function unlockedWallet(residentId: string): Wallet | null {
  return unlocked?.residentId === residentId ? unlocked.wallet : null;
}

export function keepUnlocked(residentId: string, wallet: Wallet | null): void {
  unlocked = wallet ? { residentId, wallet } : null;
}

/** Opens the stored key with `password` and keeps it for this tab. */
export async function unlock(residentId: string, password: string, enrolled?: string | null): Promise<Wallet> {
  const stored = loadStoredKey(residentId, enrolled);
  if (!stored) throw new VaultError("KEY_MISSING");
  if (password === "") throw new VaultError("PASSWORD_REQUIRED");
  const wallet = await decryptKey(residentId, stored, password);
  keepUnlocked(residentId, wallet);
  return wallet;
}

/** Saves `stored` as the resident's key on this device (a restored backup, or one locked anew). */
export function saveActiveKey(residentId: string, stored: StoredKey): void {
  localStorage.setItem(slotKey(residentId, "active"), JSON.stringify(stored));
}

/**
 * Locks the stored key with `newPassword` instead of `oldPassword`: after a password reset, the key
 * on this device is kept rather than replaced.
 */
export async function relock(
  residentId: string,
  oldPassword: string,
  newPassword: string,
  enrolled?: string | null,
): Promise<Wallet> {
  if (oldPassword === "" || newPassword === "") throw new VaultError("PASSWORD_REQUIRED");
  const wallet = await unlock(residentId, oldPassword, enrolled);
  saveActiveKey(residentId, await encryptKey(residentId, wallet, newPassword));
  return wallet;
}
