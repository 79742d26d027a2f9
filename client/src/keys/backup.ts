/**
 * A backup file of the voter key: the stored (encrypted) key with its owner's resident id, so a
 * resident can move the key to another browser without replacing it. The file is useless without the
 * password; restoring checks it opens with that password and is the key the registry has enrolled.
 * The anonymous identity for secret polls travels in the same file, locked the same way.
 */
import { decryptIdentity, keepIdentityUnlocked, parseStoredIdentity, saveIdentity } from "./identity";
import type { StoredIdentity } from "./identity";
import { decryptKey, keepUnlocked, saveActiveKey, VaultError } from "./vault";
import type { StoredKey } from "./vault";
import { KEY_BACKUP_FORMAT as BACKUP_FORMAT } from "../../../contracts/protocol/keyBackup";
import type { KeyBackupOf } from "../../../contracts/protocol/keyBackup";

export type KeyBackup = KeyBackupOf<StoredIdentity>;

export function makeBackup(residentId: string, stored: StoredKey, identity: StoredIdentity | null): KeyBackup {
  return { format: BACKUP_FORMAT, residentId, ...stored, ...(identity ? { identity } : {}) };
}

export function downloadBackup(backup: KeyBackup): void {
  const blob = new Blob([JSON.stringify(backup, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `veche-voter-key-${backup.residentId}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function parseBackup(text: string): KeyBackup {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new VaultError("BACKUP_INVALID");
  }
  const b = value as Partial<KeyBackup> | null;
  const strings = [b?.residentId, b?.address, b?.salt, b?.iv, b?.ciphertext, b?.createdAt];
  if (
    b?.format !== BACKUP_FORMAT ||
    b.version !== 1 ||
    b.kdf !== "PBKDF2-SHA256" ||
    typeof b.iterations !== "number" ||
    strings.some((v) => typeof v !== "string") ||
    (b.identity !== undefined && parseStoredIdentity(b.identity) === null)
  ) {
    throw new VaultError("BACKUP_INVALID");
  }
  return b as KeyBackup;
}

/** Restores a backup as this device's key and unlocks it; refuses another resident's or a stale key. */
export async function restoreBackup(
  residentId: string,
  text: string,
  password: string,
  enrolled: string | null,
): Promise<void> {
  const backup = parseBackup(text);
  if (backup.residentId !== residentId) throw new VaultError("BACKUP_NOT_YOURS");
  if (!enrolled || backup.address.toLowerCase() !== enrolled.toLowerCase()) throw new VaultError("BACKUP_STALE");
  if (password === "") throw new VaultError("PASSWORD_REQUIRED");
  const { format: _format, residentId: _owner, identity: storedIdentity, ...stored } = backup;
  const wallet = await decryptKey(residentId, stored, password);
  const identity = storedIdentity ? await decryptIdentity(residentId, storedIdentity, password) : null;
  saveActiveKey(residentId, stored);
  keepUnlocked(residentId, wallet);
  if (storedIdentity && identity) {
    saveIdentity(residentId, storedIdentity);
    keepIdentityUnlocked(residentId, identity);
  }
}
