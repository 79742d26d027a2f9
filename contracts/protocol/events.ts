/**
 * The ballot box's events decoded into plain values, one decoder for everyone who reads them (the
 * API's indexer, the audit, the recount in the browser and the CLI). Addresses come out lower-case.
 * BallotCast, VoterEnrolled and VoterRevoked come by the million, so they are read by hand from the
 * fixed layouts of contracts/interfaces (the fast path); every other event, and any of those three in
 * an unexpected layout, goes through the ABI decoder (the plain path, which tests hold the fast one to).
 */
import type { CastBallot } from "./ballot";
import type { Question } from "./choices";
import { ballotBoxInterface } from "./contract";
import type { RawLog } from "./logs";

/** A poll's parameters: createPoll's argument, and what its PollCreated event carries (IBallotBox.PollParams). */
export interface PollParams {
  contentHash: string;
  uri: string;
  /** Block time (seconds) the poll opens at, inclusive. */
  start: number;
  /** Block time (seconds) the poll closes at, exclusive. */
  end: number;
  questions: Question[];
  /** Empty for a city-wide poll. */
  districts: number[];
  revote: boolean;
  points: number;
}

export type BallotBoxEvent =
  | ({ name: "BallotCast" } & CastBallot)
  | { name: "VoterEnrolled"; residentId: string; resident: number; key: string; district: number }
  | { name: "VoterRevoked"; resident: number; key: string }
  | { name: "PollCreated"; pollId: bigint; poll: PollParams }
  | { name: "PollClosed"; pollId: bigint; end: number }
  | { name: "PollCancelled"; pollId: bigint }
  | { name: "PollFinalized"; pollId: bigint; ballots: number; root: string; tallies: bigint[] }
  | { name: "PollOutcomePublished"; pollId: bigint; outcomeHash: string; uri: string }
  | { name: "RewardListed"; rewardId: number; cost: number; stock: number; uri: string }
  | { name: "RewardUpdated"; rewardId: number; stock: number; active: boolean }
  | { name: "PointsRedeemed"; resident: number; rewardId: number; cost: number; nonce: bigint }
  | { name: "IdentityCommitted"; resident: number; commitment: bigint; building: number }
  | { name: "SecretPollCreated"; pollId: bigint; census: SecretCensus }
  | ({ name: "SecretBallotCast" } & CastSecretBallot);

/** What a secret poll's census commits to (ISecretBallots.Census). */
export interface SecretCensus {
  root: string;
  areas: number;
  eligible: number;
  snapshotBlock: number;
}

/** The fields of a counted secret ballot, as its SecretBallotCast event carries them. */
export interface CastSecretBallot {
  pollId: bigint;
  nullifier: bigint;
  area: number;
  leafIndex: number;
  choices: bigint;
  revision: bigint;
}

export type BallotBoxEventName = BallotBoxEvent["name"];
export type EventOf<N extends BallotBoxEventName> = Extract<BallotBoxEvent, { name: N }>;

const EVENT_NAMES: readonly BallotBoxEventName[] = [
  "BallotCast",
  "VoterEnrolled",
  "VoterRevoked",
  "PollCreated",
  "PollClosed",
  "PollCancelled",
  "PollFinalized",
  "PollOutcomePublished",
  "RewardListed",
  "RewardUpdated",
  "PointsRedeemed",
  "IdentityCommitted",
  "SecretPollCreated",
  "SecretBallotCast",
];

/** topic0 of each event the protocol reads (the ballot box also emits access-control events). */
export const EVENT_TOPICS = Object.fromEntries(
  EVENT_NAMES.map((name) => [name, ballotBoxInterface.getEvent(name)!.topicHash]),
) as Record<BallotBoxEventName, string>;

/** Where a log sits in the chain; logs compare by block, then log index. */
export interface Position {
  block: number;
  logIndex: number;
}

export function positionOf(log: Pick<RawLog, "blockNumber" | "logIndex">): Position {
  return { block: parseInt(log.blockNumber, 16), logIndex: parseInt(log.logIndex, 16) };
}

export function before(a: Position, b: Position): boolean {
  return a.block < b.block || (a.block === b.block && a.logIndex < b.logIndex);
}

/** What decoding needs of a log; ethers' Log fits too. */
export interface LogBody {
  readonly topics: readonly string[];
  readonly data: string;
}

/** Decodes one log of the ballot box; null for events the protocol does not read (role changes). */
export function decodeEvent(log: LogBody): BallotBoxEvent | null {
  switch (log.topics[0]) {
    case EVENT_TOPICS.BallotCast:
      return decodeBallotCast(log);
    case EVENT_TOPICS.VoterEnrolled:
    case EVENT_TOPICS.VoterRevoked:
    case EVENT_TOPICS.IdentityCommitted:
      return decodeRegistryFast(log) ?? decodeEventAbi(log);
    case EVENT_TOPICS.SecretBallotCast:
      return decodeSecretBallotCastFast(log) ?? decodeEventAbi(log);
    default:
      return decodeEventAbi(log);
  }
}

/** A BallotCast log as the ballot it counted; throws on any other log. */
export function decodeBallotCast(log: LogBody): { name: "BallotCast" } & CastBallot {
  const fast = decodeBallotCastFast(log);
  if (fast) return fast;
  const event = decodeEventAbi(log);
  if (event?.name !== "BallotCast") throw new Error("not a BallotCast log");
  return event;
}

const ZEROS_56 = "0".repeat(56);
const ZEROS_51 = "0".repeat(51);

/** The last 8 hex digits of a 32-byte word as a uint32; null if the word holds more. */
function uint32At(hexWords: string, start: number): number | null {
  if (hexWords.length < start + 64 || !hexWords.startsWith(ZEROS_56, start)) return null;
  return parseInt(hexWords.slice(start + 56, start + 64), 16);
}

/** A 32-byte word as a bigint; words that fit in 52 bits (nearly all) skip BigInt's hex parse. */
function uint256At(hexWords: string, start: number): bigint {
  if (hexWords.startsWith(ZEROS_51, start)) return BigInt(parseInt(hexWords.slice(start + 51, start + 64), 16));
  return BigInt(`0x${hexWords.slice(start, start + 64)}`);
}

const addressOfTopic = (topic: string) => `0x${topic.slice(26).toLowerCase()}`;

/** BallotCast data: resident, leafIndex, choices, revision, offset (0xa0), length (65), 3 words of signature. */
const BALLOT_DATA_LENGTH = 2 + 9 * 64;
const SIGNATURE_HEAD = `${"0".repeat(62)}a0${"0".repeat(62)}41`;

function decodeBallotCastFast(log: LogBody): ({ name: "BallotCast" } & CastBallot) | null {
  const [topic0, pollTopic, voterTopic] = log.topics;
  const d = log.data;
  if (topic0 !== EVENT_TOPICS.BallotCast || !pollTopic || !voterTopic || d.length !== BALLOT_DATA_LENGTH) return null;
  const resident = uint32At(d, 2);
  const leafIndex = uint32At(d, 66);
  if (resident === null || leafIndex === null || !d.startsWith(SIGNATURE_HEAD, 258)) return null;
  return {
    name: "BallotCast",
    pollId: uint256At(pollTopic, 2),
    voter: addressOfTopic(voterTopic),
    resident,
    leafIndex,
    choices: uint256At(d, 130),
    revision: uint256At(d, 194),
    signature: `0x${d.slice(386, 516).toLowerCase()}`,
  };
}

/** SecretBallotCast: pollId and nullifier in topics; data area, leafIndex, choices, revision. */
function decodeSecretBallotCastFast(log: LogBody): ({ name: "SecretBallotCast" } & CastSecretBallot) | null {
  const [topic0, pollTopic, nullifierTopic] = log.topics;
  const d = log.data;
  if (topic0 !== EVENT_TOPICS.SecretBallotCast || !pollTopic || !nullifierTopic || d.length !== 2 + 4 * 64) return null;
  const area = uint32At(d, 2);
  const leafIndex = uint32At(d, 66);
  if (area === null || leafIndex === null) return null;
  return {
    name: "SecretBallotCast",
    pollId: uint256At(pollTopic, 2),
    nullifier: uint256At(nullifierTopic, 2),
    area,
    leafIndex,
    choices: uint256At(d, 130),
    revision: uint256At(d, 194),
  };
}

function decodeRegistryFast(log: LogBody): BallotBoxEvent | null {
  const [topic0, a, b, c] = log.topics;
  if (topic0 === EVENT_TOPICS.VoterEnrolled && a && b && c && log.data.length === 66) {
    const resident = uint32At(b, 2);
    const district = uint32At(log.data, 2);
    if (resident === null || district === null) return null;
    return { name: "VoterEnrolled", residentId: a.toLowerCase(), resident, key: addressOfTopic(c), district };
  }
  if (topic0 === EVENT_TOPICS.VoterRevoked && a && b) {
    const resident = uint32At(a, 2);
    return resident === null ? null : { name: "VoterRevoked", resident, key: addressOfTopic(b) };
  }
  if (topic0 === EVENT_TOPICS.IdentityCommitted && a && log.data.length === 130) {
    const resident = uint32At(a, 2);
    const building = uint32At(log.data, 66);
    if (resident === null || building === null) return null;
    return { name: "IdentityCommitted", resident, commitment: BigInt(`0x${log.data.slice(2, 66)}`), building };
  }
  return null;
}

const n = (v: unknown) => Number(v);
const lower = (v: unknown) => (v as string).toLowerCase();

/** Any event of the ballot box through the ABI decoder. */
export function decodeEventAbi(log: LogBody): BallotBoxEvent | null {
  let parsed;
  try {
    parsed = ballotBoxInterface.parseLog({ topics: [...log.topics], data: log.data });
  } catch {
    return null;
  }
  if (!parsed) return null;
  const a = parsed.args;
  switch (parsed.name) {
    case "BallotCast":
      return {
        name: "BallotCast",
        pollId: a[0] as bigint,
        voter: lower(a[1]),
        resident: n(a[2]),
        leafIndex: n(a[3]),
        choices: a[4] as bigint,
        revision: a[5] as bigint,
        signature: lower(a[6]),
      };
    case "VoterEnrolled":
      return { name: "VoterEnrolled", residentId: lower(a[0]), resident: n(a[1]), key: lower(a[2]), district: n(a[3]) };
    case "VoterRevoked":
      return { name: "VoterRevoked", resident: n(a[0]), key: lower(a[1]) };
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
      const poll: PollParams = {
        contentHash: lower(p.contentHash),
        uri: p.uri,
        start: n(p.start),
        end: n(p.end),
        questions: p.questions.map((q) => ({ options: n(q.options), maxChoices: n(q.maxChoices) })),
        districts: p.districts.map(n),
        revote: p.revote,
        points: n(p.points),
      };
      return { name: "PollCreated", pollId: a[0] as bigint, poll };
    }
    case "PollClosed":
      return { name: "PollClosed", pollId: a[0] as bigint, end: n(a[1]) };
    case "PollCancelled":
      return { name: "PollCancelled", pollId: a[0] as bigint };
    case "PollFinalized":
      return {
        name: "PollFinalized",
        pollId: a[0] as bigint,
        ballots: n(a[1]),
        root: lower(a[2]),
        tallies: [...(a[3] as bigint[])],
      };
    case "PollOutcomePublished":
      return { name: "PollOutcomePublished", pollId: a[0] as bigint, outcomeHash: lower(a[1]), uri: a[2] as string };
    case "RewardListed":
      return { name: "RewardListed", rewardId: n(a[0]), cost: n(a[1]), stock: n(a[2]), uri: a[3] as string };
    case "RewardUpdated":
      return { name: "RewardUpdated", rewardId: n(a[0]), stock: n(a[1]), active: a[2] as boolean };
    case "PointsRedeemed":
      return { name: "PointsRedeemed", resident: n(a[0]), rewardId: n(a[1]), cost: n(a[2]), nonce: a[3] as bigint };
    case "IdentityCommitted":
      return { name: "IdentityCommitted", resident: n(a[0]), commitment: a[1] as bigint, building: n(a[2]) };
    case "SecretPollCreated": {
      const c = a[1] as unknown as { root: string; areas: bigint; eligible: bigint; snapshotBlock: bigint };
      const census = {
        root: lower(c.root),
        areas: n(c.areas),
        eligible: n(c.eligible),
        snapshotBlock: n(c.snapshotBlock),
      };
      return { name: "SecretPollCreated", pollId: a[0] as bigint, census };
    }
    case "SecretBallotCast":
      return {
        name: "SecretBallotCast",
        pollId: a[0] as bigint,
        nullifier: a[1] as bigint,
        area: n(a[2]),
        leafIndex: n(a[3]),
        choices: a[4] as bigint,
        revision: a[5] as bigint,
      };
    default:
      return null;
  }
}
