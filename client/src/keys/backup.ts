/**
 * A backup file of the voter key: the stored (encrypted) key with its owner's resident id, so a
 * resident can move the key to another browser without replacing it. The file is useless without the
 * password; restoring checks it opens with that password and is the key the registry has enrolled.
 */
import { decryptKey, keepUnlocked, saveActiveKey, VaultError } from "./vault";
import type { StoredKey } from "./vault";

export const BACKUP_FORMAT = "veche-voter-key";

export type KeyBackup = StoredKey & { format: typeof BACKUP_FORMAT; residentId: string };

export function makeBackup(residentId: string, stored: StoredKey): KeyBackup {
  return { format: BACKUP_FORMAT, residentId, ...stored };
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
    strings.some((v) => typeof v !== "string")
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
  const { format: _format, residentId: _owner, ...stored } = backup;
  const wallet = await decryptKey(residentId, stored, password);
  saveActiveKey(residentId, stored);
  keepUnlocked(residentId, wallet);
}
