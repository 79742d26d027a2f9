/** The resident's receipts on this device, newest first, so they can be checked again later. */
import type { FullReceipt } from "../../contracts/protocol/receipt";

const key = (residentId: string) => `veche.receipts.${residentId}`;

export function listReceipts(residentId: string): FullReceipt[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key(residentId)) ?? "[]") as unknown;
    return Array.isArray(parsed) ? (parsed as FullReceipt[]) : [];
  } catch {
    return [];
  }
}

export function saveReceipt(residentId: string, receipt: FullReceipt): void {
  const rest = listReceipts(residentId).filter((r) => r.leaf !== receipt.leaf);
  localStorage.setItem(key(residentId), JSON.stringify([receipt, ...rest].slice(0, 200)));
}
