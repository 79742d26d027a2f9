/** Contract events decoded into plain rows, the shape every indexer listener receives. */
import { ballotBoxInterface } from "../../../contracts/protocol";
import { ballotLeafNative } from "../../../contracts/protocol/node/ballotCodec";
import { checksumAddress } from "../../../contracts/protocol/node/native";
import type { Question } from "../../../contracts/protocol";

export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
}

interface At {
  block: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}

export interface IndexedBallot extends At {
  pollId: number;
  leafIndex: number;
  leaf: string;
  voter: string;
  resident: number;
  choices: bigint;
  revision: number;
  signature: string;
}

export interface IndexedPoll {
  pollId: number;
  contentHash: string;
  uri: string;
  start: number;
  end: number;
  questions: Question[];
  districts: number[];
  revote: boolean;
  points: number;
}

export type ChainEvent =
  | ({ kind: "ballot" } & IndexedBallot)
  | ({ kind: "voterEnrolled"; residentHash: string; resident: number; key: string; district: number } & At)
  | ({ kind: "voterRevoked"; resident: number; key: string } & At)
  | ({ kind: "pollCreated"; poll: IndexedPoll } & At)
  | ({ kind: "pollClosed"; pollId: number; end: number } & At)
  | ({ kind: "pollCancelled"; pollId: number } & At)
  | ({ kind: "pollFinalized"; pollId: number; ballots: number; root: string; tallies: bigint[] } & At)
  | ({ kind: "pollOutcome"; pollId: number; outcomeHash: string; uri: string } & At)
  | ({ kind: "rewardListed"; rewardId: number; cost: number; stock: number; uri: string } & At)
  | ({ kind: "rewardUpdated"; rewardId: number; stock: number; active: boolean } & At)
  | ({ kind: "pointsRedeemed"; resident: number; rewardId: number; cost: number } & At);

const n = (v: unknown) => Number(v);

const BALLOT_CAST = ballotBoxInterface.getEvent("BallotCast")!.topicHash;

/** BallotCast by hand: it is nearly every log, and ethers' generic decoder dominated the indexer's time. */
function decodeBallotCast(log: RawLog): ChainEvent | null {
  const data = Buffer.from(log.data.slice(2), "hex");
  const [, pollTopic, voterTopic] = log.topics;
  if (!pollTopic || !voterTopic || data.length < 7 * 32) return null;
  const wordAt = (i: number) => BigInt(`0x${data.subarray(i * 32, i * 32 + 32).toString("hex")}`);
  const pollId = BigInt(pollTopic);
  const voter = checksumAddress(`0x${voterTopic.slice(26)}`);
  const choices = wordAt(2);
  const revision = wordAt(3);
  const sigLength = Number(wordAt(5));
  return {
    kind: "ballot",
    block: Number(log.blockNumber),
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    logIndex: Number(log.logIndex),
    pollId: Number(pollId),
    voter,
    resident: Number(wordAt(0)),
    leafIndex: Number(wordAt(1)),
    choices,
    revision: Number(revision),
    signature: `0x${data.subarray(6 * 32, 6 * 32 + sigLength).toString("hex")}`,
    leaf: ballotLeafNative(pollId, voter, choices, revision),
  };
}

/** Decodes one log of the ballot box; null for events the indexer does not keep (e.g. role changes). */
export function decodeLog(log: RawLog): ChainEvent | null {
  if (log.topics[0] === BALLOT_CAST) return decodeBallotCast(log);
  const parsed = ballotBoxInterface.parseLog({ topics: log.topics, data: log.data });
  if (!parsed) return null;
  const at: At = {
    block: Number(log.blockNumber),
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    logIndex: Number(log.logIndex),
  };
  const a = parsed.args;
  switch (parsed.name) {
    case "BallotCast": {
      const pollId = a[0] as bigint;
      const voter = a[1] as string;
      const choices = a[4] as bigint;
      const revision = a[5] as bigint;
      return {
        kind: "ballot",
        ...at,
        pollId: Number(pollId),
        voter,
        resident: n(a[2]),
        leafIndex: n(a[3]),
        choices,
        revision: Number(revision),
        signature: a[6] as string,
        leaf: ballotLeafNative(pollId, voter, choices, revision),
      };
    }
    case "VoterEnrolled":
      return {
        kind: "voterEnrolled",
        ...at,
        residentHash: a[0] as string,
        resident: n(a[1]),
        key: a[2] as string,
        district: n(a[3]),
      };
    case "VoterRevoked":
      return { kind: "voterRevoked", ...at, resident: n(a[0]), key: a[1] as string };
    case "PollCreated": {
      const p = a[1] as unknown as {
        contentHash: string;
        uri: string;
        start: bigint;
        end: bigint;
        questions: { options: bigint; maxChoices: bigint }[];
        districts: bigint[];
        revote: boolean;
        points: bigint;
      };
      return {
        kind: "pollCreated",
        ...at,
        poll: {
          pollId: n(a[0]),
          contentHash: p.contentHash,
          uri: p.uri,
          start: Number(p.start),
          end: Number(p.end),
          questions: p.questions.map((q) => ({ options: Number(q.options), maxChoices: Number(q.maxChoices) })),
          districts: p.districts.map(Number),
          revote: p.revote,
          points: Number(p.points),
        },
      };
    }
    case "PollClosed":
      return { kind: "pollClosed", ...at, pollId: n(a[0]), end: n(a[1]) };
    case "PollCancelled":
      return { kind: "pollCancelled", ...at, pollId: n(a[0]) };
    case "PollFinalized":
      return {
        kind: "pollFinalized",
        ...at,
        pollId: n(a[0]),
        ballots: n(a[1]),
        root: a[2] as string,
        tallies: [...(a[3] as bigint[])],
      };
    case "PollOutcomePublished":
      return { kind: "pollOutcome", ...at, pollId: n(a[0]), outcomeHash: a[1] as string, uri: a[2] as string };
    case "RewardListed":
      return { kind: "rewardListed", ...at, rewardId: n(a[0]), cost: n(a[1]), stock: n(a[2]), uri: a[3] as string };
    case "RewardUpdated":
      return { kind: "rewardUpdated", ...at, rewardId: n(a[0]), stock: n(a[1]), active: a[2] as boolean };
    case "PointsRedeemed":
      return { kind: "pointsRedeemed", ...at, resident: n(a[0]), rewardId: n(a[1]), cost: n(a[2]) };
    default:
      return null;
  }
}
