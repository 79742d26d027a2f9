/**
 * Shapes of the API's answers: types inferred from the API's own schemas (api/wire), which also check
 * its requests and produce /api/docs. Type-only imports: no schema code reaches the bundle.
 */
import type { PollStateName } from "../../contracts/protocol/pollState";
import type { MyPoll } from "../../api/wire/polls";

export type { ChainConfig } from "../../api/wire/health";
export type { BallotStatus, MyPoll, PollDetail, PollSummary } from "../../api/wire/polls";
export type { AcceptedBallot, BallotState } from "../../api/wire/ballots";
export type { BallotPage, ListedBallot, ProofAnswer, Timeline } from "../../api/wire/results";
export type { Enrolment, Me } from "../../api/wire/me";
export type { SessionGrant } from "../../api/wire/auth";
export type { Balance, PointsHistory, Redeemed, Reward } from "../../api/wire/points";

export type PollState = PollStateName;
export type MyBallot = NonNullable<MyPoll["myBallot"]>;
