/**
 * What this device remembers of the resident's secret ballots, per poll: the last revision sent (a
 * re-vote must go higher, and nothing else on record can say so without linking the resident), the
 * area, and the receipts. Kept in localStorage under the resident's id; the API never sees it.
 */
import type { SecretReceipt } from "./secretReceipt";

export interface SecretVote {
  pollId: number;
  area: number;
  revision: number;
  choices: string;
  ballotId: string;
  nullifier: string;
  sentAt: string;
  /** Milliseconds the proof took on this device. */
  proofMs?: number;
  /** Set once the ballot is mined. */
  receipt: SecretReceipt | null;
}

const key = (residentId: string) => `veche.secretVotes.${residentId}`;

export function listSecretVotes(residentId: string): SecretVote[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key(residentId)) ?? "[]") as unknown;
    return Array.isArray(parsed) ? (parsed as SecretVote[]) : [];
  } catch {
    return [];
  }
}

/** The resident's latest secret ballot in the poll sent from this device, if any. */
export function latestSecretVote(residentId: string, pollId: number): SecretVote | null {
  return (
    listSecretVotes(residentId)
      .filter((v) => v.pollId === pollId)
      .sort((a, b) => b.revision - a.revision)[0] ?? null
  );
}

export function findSecretVote(residentId: string, ballotId: string): SecretVote | null {
  return listSecretVotes(residentId).find((v) => v.ballotId === ballotId) ?? null;
}

export function saveSecretVote(residentId: string, vote: SecretVote): void {
  const rest = listSecretVotes(residentId).filter((v) => v.ballotId !== vote.ballotId);
  localStorage.setItem(key(residentId), JSON.stringify([vote, ...rest].slice(0, 200)));
}
