/**
 * Shapes of the API's answers for secret polls (POST /api/me/identity, the census routes, secret
 * ballots), as the API contract of secret ballots gives them. Numbers above 2^53 are decimal strings.
 */
export type { IdentityStatus as IdentityState } from "../../api/wire/identity";

export type AreaKind = "district" | "building";

export interface CensusSummary {
  root: string;
  snapshotBlock: number;
  eligible: number;
  areaKind: AreaKind;
}

/** One area's census: what the browser needs to build its group and the area's place in the census. */
export interface CensusAreaAnswer {
  area: number;
  label: string;
  root: string;
  members: number;
  index: number;
  siblings: string[];
  commitments: string[];
}

export interface CensusList {
  root: string;
  eligible: number;
  areaKind?: AreaKind;
  snapshotBlock?: number;
  areas: { area: number; label: string; members: number; root: string }[];
}

/** An area's results: per question, per option; `accepted` is its outcome under the poll's rule. */
export interface AreaResult {
  area: number;
  label: string;
  eligible: number;
  voters: number;
  turnout: number;
  tallies: number[][];
  accepted: boolean | null;
}

export interface DecisionRule {
  kind: string;
  question: number;
  option: number;
  share: string;
}

/** The secret-poll fields of GET /api/polls/:id. */
export interface SecretPollFields {
  secret?: boolean;
  census?: CensusSummary | null;
  areas?: AreaResult[];
  rule?: DecisionRule | null;
}

export interface SecretProof {
  depth: number;
  root: string;
  nullifier: string;
  points: string[];
}

export interface SecretBallotBody {
  pollId: number | string;
  choices: string;
  revision: number | string;
  area: number;
  proof: SecretProof;
}

export interface AcceptedSecretBallot {
  ballotId: string;
  duplicate: boolean;
}

export interface SecretBallotState {
  ballotId: string;
  status: "accepted" | "sent" | "mined" | "failed" | "superseded";
  errorCode?: string | null;
  txHash?: string | null;
  leaf?: string | null;
  leafIndex?: number | null;
}
