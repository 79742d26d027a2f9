/**
 * The register's secrets: activation codes (random, shown once, stored as a keyed hash) and the
 * resident id hash the chain sees, keyed by a pepper so ids cannot be guessed back from the ledger.
 */
import crypto from "node:crypto";

/** No 0/O, 1/I/L: a code read out over the phone or copied from paper survives. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/** 12 symbols of 31: about 59 bits, out of reach of guessing behind the sign-in rate limit. */
export const CODE_LENGTH = 12;

export function newActivationCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)] ?? "";
  return code;
}

/** Accepts the code as a person may type it: any case, with spaces or dashes between groups. */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "");
}

export function hashActivationCode(pepper: string, residentId: string, code: string): string {
  return crypto
    .createHmac("sha256", pepper)
    .update(`activation:${residentId}:${normalizeCode(code)}`)
    .digest("hex");
}

/** A password-reset code is kept like an activation code, under its own label. */
export function hashResetCode(pepper: string, residentId: string, code: string): string {
  return crypto
    .createHmac("sha256", pepper)
    .update(`password-reset:${residentId}:${normalizeCode(code)}`)
    .digest("hex");
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && crypto.timingSafeEqual(x, y);
}

/** HMAC-SHA256(pepper, residentId) as bytes32: the resident's id on the chain. */
export function residentHash(pepper: string, residentId: string): string {
  return `0x${crypto.createHmac("sha256", pepper).update(residentId).digest("hex")}`;
}
