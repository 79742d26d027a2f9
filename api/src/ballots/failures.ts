/**
 * Why an accepted ballot ended without being counted, in the same stable codes the intake refuses
 * ballots with, so a resident's client can explain it and let them vote again.
 */
import type { BallotStatus } from "./store";

/** The contract's custom errors, by name, as the API's codes. */
const CODES: Readonly<Record<string, string>> = {
  BallotStaleRevision: "BALLOT_STALE_REVISION",
  BallotAlreadyCast: "BALLOT_ALREADY_CAST",
  BallotKeyRevoked: "VOTER_KEY_REVOKED",
  BallotUnknownVoter: "VOTER_NOT_ENROLLED",
  BallotNotInScope: "VOTER_NOT_IN_SCOPE",
  BallotInvalidChoices: "BALLOT_INVALID_CHOICES",
  BallotInvalidSignature: "BALLOT_INVALID_SIGNATURE",
  PollUnexpectedState: "POLL_NOT_ACTIVE",
  PollUnknown: "POLL_NOT_FOUND",
  AccessControlUnauthorizedAccount: "RELAYER_NOT_AUTHORIZED",
  SecretBallotStaleRevision: "BALLOT_STALE_REVISION",
  SecretBallotAlreadyCast: "BALLOT_ALREADY_CAST",
  SecretBallotInvalidProof: "PROOF_INVALID",
  SecretBallotAreaChanged: "BALLOT_AREA_CHANGED",
  CensusUnknownArea: "CENSUS_AREA_UNKNOWN",
  PollSecrecyMismatch: "POLL_NOT_SECRET",
};

/** The transaction ran out of gas even with the most the relayer gives a ballot. */
export const OUT_OF_GAS = "BALLOT_OUT_OF_GAS";
/** The contract refused it for a reason it did not name. */
export const REVERTED = "BALLOT_REVERTED";

/** Codes that mean another ballot of the same resident counts instead. */
const SUPERSEDING = new Set(["BALLOT_STALE_REVISION", "BALLOT_ALREADY_CAST"]);

export function failureOf(revertName: string | null): {
  status: Extract<BallotStatus, "superseded" | "failed">;
  code: string;
} {
  const code = (revertName && CODES[revertName]) ?? REVERTED;
  return { status: SUPERSEDING.has(code) ? "superseded" : "failed", code };
}
