/**
 * A redemption's voucher code: what the resident shows to collect the reward. It is derived from the
 * redemption's place on the chain (transaction and log) under the register's secret pepper, so the
 * API need not store it, observers of the ledger cannot forge it, and staff can check it later.
 */
import crypto from "node:crypto";
import { CODE_ALPHABET } from "../residents/secrets";

const SYMBOLS = 12;

export function voucherCode(pepper: string, txHash: string, logIndex: number): string {
  const digest = crypto.createHmac("sha256", pepper).update(`voucher:${txHash.toLowerCase()}:${logIndex}`).digest();
  let code = "";
  for (let i = 0; i < SYMBOLS; i++) code += CODE_ALPHABET[(digest[i] ?? 0) % CODE_ALPHABET.length] ?? "";
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Accepts a code as a person may type it: any case, spaces or dashes anywhere. */
export function normalizeVoucher(typed: string): string {
  const plain = typed.toUpperCase().replace(/[\s-]/g, "");
  return plain.length === SYMBOLS ? `${plain.slice(0, 4)}-${plain.slice(4, 8)}-${plain.slice(8)}` : plain;
}
