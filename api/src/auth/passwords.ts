/** Password hashing with argon2id (memory-hard) and the one rule a password must meet. */
import argon2 from "argon2";
import { badRequest } from "../errors";

export const MIN_PASSWORD_LENGTH = 10;

/** OWASP's argon2id minimum (19 MiB, 2 passes): costly to guess offline, cheap enough on 2 cores. */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function checkPasswordStrength(password: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw badRequest("PASSWORD_WEAK", `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
      minLength: MIN_PASSWORD_LENGTH,
    });
  }
  if (new Set(password).size === 1) {
    throw badRequest("PASSWORD_WEAK", "a password of one repeated character is too easy to guess", {
      minLength: MIN_PASSWORD_LENGTH,
    });
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | null = null;

/** Spends the same time as a real check, so an unknown resident id answers as slowly as a known one. */
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword("veche decoy password, never matches");
  await verifyPassword(await decoy, password);
  return false;
}
