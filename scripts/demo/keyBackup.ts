/**
 * A demo voter's key as a backup file the web client restores on its voter key page: the format of
 * contracts/protocol/keyBackup.ts, which the browser keeps its key in too — the private key encrypted with AES-GCM
 * under PBKDF2-SHA256 of the password, bound to the resident id and the key's address.
 */
import crypto from "node:crypto";
import type { Wallet, HDNodeWallet } from "ethers";
import { KEY_BACKUP_FORMAT, PBKDF2_ITERATIONS, keyBinding } from "../../contracts/protocol/keyBackup";
import type { KeyBackupOf } from "../../contracts/protocol/keyBackup";

export type KeyBackup = KeyBackupOf;

export function keyBackup(residentId: string, wallet: Wallet | HDNodeWallet, password: string): KeyBackup {
  const salt = crypto.randomBytes(16);
  const iv = crypto.randomBytes(12);
  const key = crypto.pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, "sha256");
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(keyBinding(residentId, wallet.address)));
  // WebCrypto's AES-GCM output is the ciphertext followed by the 16-byte tag.
  const ciphertext = Buffer.concat([cipher.update(wallet.privateKey, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return {
    format: KEY_BACKUP_FORMAT,
    residentId,
    version: 1,
    address: wallet.address,
    kdf: "PBKDF2-SHA256",
    iterations: PBKDF2_ITERATIONS,
    salt: salt.toString("base64"),
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    createdAt: new Date().toISOString(),
  };
}
