/**
 * Proof that a resident's browser holds a new voter key: the key signs this text (EIP-191), and the
 * API enrols it only then. The text names the chain and contract, so a proof cannot be reused elsewhere.
 */
import { getAddress, verifyMessage } from "ethers";

export interface EnrolmentRequest {
  residentHash: string;
  address: string;
  chainId: number | bigint;
  ballotBox: string;
  /** ISO time the proof was made; the API takes proofs up to 10 minutes old. */
  issuedAt: string;
}

export const ENROLMENT_MAX_AGE_MS = 10 * 60 * 1000;

export function enrolmentMessage(r: EnrolmentRequest): string {
  return [
    "Veche voter key enrolment",
    `Resident: ${r.residentHash.toLowerCase()}`,
    `Voter key: ${getAddress(r.address)}`,
    `Chain: ${r.chainId.toString()}`,
    `Ballot box: ${getAddress(r.ballotBox)}`,
    `Issued at: ${r.issuedAt}`,
  ].join("\n");
}

/** The address that signed the enrolment text, or null if the signature is malformed. */
export function enrolmentSigner(r: EnrolmentRequest, signature: string): string | null {
  try {
    return verifyMessage(enrolmentMessage(r), signature);
  } catch {
    return null;
  }
}
