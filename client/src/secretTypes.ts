/**
 * Shapes of the API's answers for secret polls: types inferred from the API's own schemas (api/wire),
 * type-only, so no schema code reaches the bundle. Numbers above 2^53 are decimal strings.
 */
import type { PollDetail } from "../../api/wire/polls";

export type { IdentityStatus as IdentityState } from "../../api/wire/identity";
export type { CensusArea as CensusAreaAnswer } from "../../api/wire/census";
export type { AcceptedSecretBallot, SecretBallotState } from "../../api/wire/secretBallots";
export type { DecisionRule } from "../../contracts/protocol/decisionRule";

export type CensusSummary = NonNullable<PollDetail["census"]>;
export type AreaResult = PollDetail["areas"][number];
export type AreaKind = CensusSummary["areaKind"];

/** The secret-poll fields of GET /api/polls/:id. */
export type SecretPollFields = Pick<PollDetail, "secret" | "census" | "areas" | "rule">;

export interface SecretProof {
  depth: number;
  root: string;
  nullifier: string;
  points: string[];
}

/** The body of POST /api/secret-ballots, as the browser sends it (numbers as decimal strings). */
export interface SecretBallotBody {
  pollId: number;
  choices: string;
  revision: number;
  area: number;
  proof: SecretProof;
}
