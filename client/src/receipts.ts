/** The resident's receipts on this device, newest first, so they can be checked again later. */
import type { Receipt } from "./receipt";

const key = (residentId: string) => `veche.receipts.${residentId}`;

export function listReceipts(residentId: string): Receipt[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key(residentId)) ?? "[]") as unknown;
    return Array.isArray(parsed) ? (parsed as Receipt[]) : [];
  } catch {
    return [];
  }
}

export function saveReceipt(residentId: string, receipt: Receipt): void {
  const rest = listReceipts(residentId).filter((r) => r.leaf !== receipt.leaf);
  localStorage.setItem(key(residentId), JSON.stringify([receipt, ...rest].slice(0, 200)));
}
