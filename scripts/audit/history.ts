/**
 * A poll's history as the chain's events tell it: the poll's definition and lifecycle, every ballot,
 * and the voter registry's changes. Decoding is by hand for the events that come by the million
 * (BallotCast, VoterEnrolled, VoterRevoked); the log layouts are fixed by contracts/interfaces.
 */
import { ballotBoxInterface, parseBallotCast } from "../../contracts/protocol";
import type { Question } from "../../contracts/protocol";
import type { RawLog } from "./logs";

export const TOPICS = {
  ballotCast: ballotBoxInterface.getEvent("BallotCast")!.topicHash,
  voterEnrolled: ballotBoxInterface.getEvent("VoterEnrolled")!.topicHash,
  voterRevoked: ballotBoxInterface.getEvent("VoterRevoked")!.topicHash,
  pollCreated: ballotBoxInterface.getEvent("PollCreated")!.topicHash,
  pollClosed: ballotBoxInterface.getEvent("PollClosed")!.topicHash,
  pollCancelled: ballotBoxInterface.getEvent("PollCancelled")!.topicHash,
  pollFinalized: ballotBoxInterface.getEvent("PollFinalized")!.topicHash,
} as const;

/** Where an event sits in the chain; events compare by block, then log index. */
export interface Position {
  block: number;
  logIndex: number;
}

export function before(a: Position, b: Position): boolean {
  return a.block < b.block || (a.block === b.block && a.logIndex < b.logIndex);
}

export interface BallotRecord extends Position {
  pollId: bigint;
  leafIndex: number;
  /** Lower-case 0x address. */
  voter: string;
  resident: number;
  choices: bigint;
  revision: bigint;
  signature: string;
  txHash: string;
}

export type RegistryEvent =
  | ({ kind: "enrolled"; resident: number; key: string; district: number } & Position)
  | ({ kind: "revoked"; resident: number; key: string } & Position);

export interface PollDefinition {
  pollId: bigint;
  questions: Question[];
  /** Empty for a city-wide poll. */
  districts: number[];
  revote: boolean;
  start: number;
  end: number;
  created: Position;
}

export interface PollLifecycle {
  closed?: { end: number; at: Position };
  cancelled?: { at: Position };
  finalized?: { ballots: number; root: string; tallies: bigint[]; at: Position };
}

/** Everything the audit checks a poll against, as read from events. */
export interface PollHistory {
  chainId: bigint;
  ballotBox: string;
  pollId: bigint;
  poll: PollDefinition | null;
  lifecycle: PollLifecycle;
  /** Registry changes in chain order. */
  registry: readonly RegistryEvent[];
  /** Ballots in chain order. */
  ballots: Iterable<BallotRecord>;
  /** Timestamps of the blocks that hold ballots. */
  blockTimes: ReadonlyMap<number, number>;
}

/** What the contract stores about the poll, read at the block the history ends. */
export interface OnChainPoll {
  block: number;
  state: string;
  ballots: number;
  tallies: bigint[];
  ballotRoot: string;
  finalRoot: string;
}

function position(log: RawLog): Position {
  return { block: Number(log.blockNumber), logIndex: Number(log.logIndex) };
}

const ZEROS_56 = "0".repeat(56);
const ZEROS_51 = "0".repeat(51);

/** The last 8 hex digits of a 32-byte word as a uint32; the word is checked to hold no more. */
function uint32At(hexWords: string, start: number): number | null {
  if (hexWords.length < start + 64 || !hexWords.startsWith(ZEROS_56, start)) return null;
  return parseInt(hexWords.slice(start + 56, start + 64), 16);
}

/** A 32-byte word as a bigint; words that fit in 52 bits (nearly all choices and revisions) skip BigInt's hex parse. */
function uint256At(hexWords: string, start: number): bigint {
  if (hexWords.startsWith(ZEROS_51, start)) return BigInt(parseInt(hexWords.slice(start + 51, start + 64), 16));
  return BigInt(`0x${hexWords.slice(start, start + 64)}`);
}

/** BallotCast data: resident, leafIndex, choices, revision, offset (0xa0), length (65), 3 words of signature. */
const BALLOT_DATA_LENGTH = 2 + 9 * 64;
const SIGNATURE_HEAD = `${"0".repeat(62)}a0${"0".repeat(62)}41`;

export function decodeBallotCast(log: RawLog): BallotRecord {
  const topics = log.topics;
  const pollTopic = topics[1];
  const voterTopic = topics[2];
  if (topics[0] !== TOPICS.ballotCast || !pollTopic || !voterTopic) throw new Error("not a BallotCast log");
  const d = log.data;
  const resident = uint32At(d, 2);
  const leafIndex = uint32At(d, 66);
  if (
    d.length !== BALLOT_DATA_LENGTH ||
    !d.startsWith(SIGNATURE_HEAD, 258) ||
    resident === null ||
    leafIndex === null
  ) {
    // Not the layout this decoder expects: let the ABI decoder read it (or refuse it).
    const parsed = parseBallotCast(log);
    return {
      ...position(log),
      ...parsed,
      voter: parsed.voter.toLowerCase(),
      txHash: log.transactionHash,
    };
  }
  return {
    block: parseInt(log.blockNumber, 16),
    logIndex: parseInt(log.logIndex, 16),
    pollId: uint256At(pollTopic, 2),
    voter: `0x${voterTopic.slice(26).toLowerCase()}`,
    resident,
    leafIndex,
    choices: uint256At(d, 130),
    revision: uint256At(d, 194),
    signature: `0x${d.slice(386, 516)}`,
    txHash: log.transactionHash,
  };
}

export function decodeRegistryLog(log: RawLog): RegistryEvent | null {
  const [topic0, a, b, c] = log.topics;
  if (topic0 === TOPICS.voterEnrolled && a && b && c) {
    const district = uint32At(log.data, 2);
    if (district === null) return null;
    return {
      kind: "enrolled",
      ...position(log),
      resident: Number(BigInt(b)),
      key: `0x${c.slice(26)}`.toLowerCase(),
      district,
    };
  }
  if (topic0 === TOPICS.voterRevoked && a && b) {
    return { kind: "revoked", ...position(log), resident: Number(BigInt(a)), key: `0x${b.slice(26)}`.toLowerCase() };
  }
  return null;
}

/** The poll's definition and lifecycle from its PollCreated/Closed/Cancelled/Finalized logs. */
export function decodeLifecycle(logs: readonly RawLog[]): { poll: PollDefinition | null; lifecycle: PollLifecycle } {
  let poll: PollDefinition | null = null;
  const lifecycle: PollLifecycle = {};
  for (const log of logs) {
    const parsed = ballotBoxInterface.parseLog({ topics: log.topics, data: log.data });
    if (!parsed) continue;
    const at = position(log);
    const args = parsed.args;
    if (parsed.name === "PollCreated") {
      const p = args[1] as unknown as {
        start: bigint;
        end: bigint;
        questions: { options: bigint; maxChoices: bigint }[];
        districts: bigint[];
        revote: boolean;
      };
      poll = {
        pollId: args[0] as bigint,
        questions: p.questions.map((q) => ({ options: Number(q.options), maxChoices: Number(q.maxChoices) })),
        districts: p.districts.map(Number),
        revote: p.revote,
        start: Number(p.start),
        end: Number(p.end),
        created: at,
      };
    } else if (parsed.name === "PollClosed") {
      lifecycle.closed = { end: Number(args[1]), at };
    } else if (parsed.name === "PollCancelled") {
      lifecycle.cancelled = { at };
    } else if (parsed.name === "PollFinalized") {
      lifecycle.finalized = {
        ballots: Number(args[1]),
        root: (args[2] as string).toLowerCase(),
        tallies: [...(args[3] as bigint[])],
        at,
      };
    }
  }
  return { poll, lifecycle };
}
