/** Shapes of the API's answers, as documented in its contract (GET /api/docs). */
import type { PollContent, PollOutcome, Question } from "../../contracts/protocol/index";

export type PollState = "Pending" | "Active" | "Closed" | "Cancelled" | "Finalized";

export interface ChainConfig {
  chainId: number;
  ballotBox: string;
  deployedBlock: number;
  network: string;
  rpcUrl: string;
}

export interface PollSummary {
  pollId: number;
  state: PollState;
  start: string;
  end: string;
  cityWide: boolean;
  districts: number[];
  revote: boolean;
  points: number;
  questions: Question[];
  content: PollContent | null;
  contentHash: string;
  finalRoot: string | null;
  /** What the city decided, once staff publish it on-chain. */
  outcome: PollOutcome | null;
  /** Ballots on the ledger, re-votes included. */
  ballots: number;
  /** Residents whose ballot counts. */
  voters: number;
  eligible: { registered: number; enrolled: number };
}

export interface PollDetail extends PollSummary {
  tallies: string[];
  ballotRoot: string;
}

export type BallotStatus = "accepted" | "sent" | "mined" | "superseded" | "failed";

export interface MyBallot {
  ballotId: string;
  revision: number;
  status: BallotStatus;
  /** Why a failed or replaced ballot did not count. */
  errorCode: string | null;
}

export interface MyPoll extends PollSummary {
  myBallot: MyBallot | null;
  /** The revision the chain counts for this resident; 0 when none. */
  countedRevision: number;
  /** The revision the next ballot must carry; null when the poll takes no more from this resident. */
  nextRevision: number | null;
}

export interface BallotState {
  ballotId: string;
  status: BallotStatus;
  pollId: number;
  voter: string;
  choices: string;
  revision: number;
  errorCode: string | null;
  acceptedAt: string;
  receipt: null | { pollId: number; leafIndex: number; leaf: string; txHash: string; block: number };
}

export interface Me {
  residentId: string;
  district: number;
  building: string;
  residentHash: string;
  resident: number | null;
  voterKey: null | { address: string; status: "active" | "revoked"; txHash: string; enrolledAt: string };
}

export interface ProofAnswer {
  leafIndex: number;
  ballots: number;
  siblings: string[];
  leaf: string;
  root: string;
  onChainRoot: string;
  finalRoot: string | null;
  /** The block the proof's tree was read at, when the API says. */
  block?: number;
}

export interface ListedBallot {
  leafIndex: number;
  leaf: string;
  voter: string;
  resident: number;
  choices: string;
  revision: number | string;
  txHash: string;
  block: number;
  time: string | number | null;
  /** A later ballot of the same resident counts instead of this one. */
  replaced?: boolean;
}

export interface PointsHistory {
  earned: { pollId: number; title: { en: string; ru: string } | null; points: number; end: string }[];
  redemptions: {
    rewardId: number;
    cost: number;
    txHash: string;
    block: number;
    time: string | null;
    voucher: string;
  }[];
}

export interface Reward {
  rewardId: number;
  cost: number | string;
  stock: number | string;
  active: boolean;
  uri: string;
}
