/**
 * The voter key's backup file, one format for the web client that writes and restores it and for the
 * demo city that hands keys out: each secret sealed with AES-GCM (the 16-byte tag after the
 * ciphertext, as WebCrypto gives it) under a PBKDF2-SHA256 key from the password, with a binding to
 * its owner authenticated as additional data.
 */
export const KEY_BACKUP_FORMAT = "veche-voter-key";
export const PBKDF2_ITERATIONS = 310_000;

/** A secret sealed under a password: what every entry of the vault and the backup holds. */
export interface Sealed {
  kdf: "PBKDF2-SHA256";
  iterations: number;
  /** Base64. */
  salt: string;
  /** Base64, 12 bytes. */
  iv: string;
  /** Base64: ciphertext then tag. */
  ciphertext: string;
  createdAt: string;
}

/** The voter key sealed: its private key (0x hex text) bound to the resident and the key's address. */
export interface StoredKey extends Sealed {
  version: 1;
  address: string;
}

/** The file: the sealed key with its owner; the anonymous identity, sealed alike, when there is one. */
export type KeyBackupOf<Identity = never> = StoredKey & {
  format: typeof KEY_BACKUP_FORMAT;
  residentId: string;
  identity?: Identity;
};

/** The additional data a voter key is sealed with: a stored key cannot be swapped between residents or keys. */
export function keyBinding(residentId: string, address: string): string {
  return `${KEY_BACKUP_FORMAT}|${residentId}|${address.toLowerCase()}`;
}
