/**
 * A million-ballot poll as raw eth_getLogs answers, generated page by page so the benchmark times the
 * audit's work on events (decoding, recount, leaves, merkletreejs root), not a node. Every ballot is
 * from its own resident; signatures are filler (signatures and eligibility are timed on the chain
 * benchmark, with real ones).
 */
import { EVENT_TOPICS, hex } from "../../contracts/protocol";
import type { RawLog } from "../../contracts/protocol";
import { uintWord as word } from "../../contracts/protocol/node/ballotCodec";

export const SYNTHETIC_POLL = 1n;
export const BALLOTS_PER_BLOCK = 5_000;
export const FIRST_BALLOT_BLOCK = 1_000;
export const SYNTHETIC_QUESTIONS = [
  { options: 3, maxChoices: 1 },
  { options: 2, maxChoices: 2 },
];
const BALLOT_BOX = `0x${"ab".repeat(20)}`;

function voterWord(i: number): string {
  return (i + 1).toString(16).padStart(64, "0");
}

export function syntheticChoices(i: number): bigint {
  return BigInt((1 << (i % 3)) | ((1 + (i % 3)) << 3));
}

/**
 * A page as the node sends it: JSON text, so the audit's JSON.parse and its flat strings are part of
 * what is timed (logs built by string concatenation would be slower to read than real ones).
 */
export function asJson(logs: RawLog[]): string {
  return JSON.stringify(logs);
}

const SIGNATURE = `${"22".repeat(64)}1b`.padEnd(192, "0");
const pollTopic = `0x${word(SYNTHETIC_POLL)}`;

/** BallotCast logs for leaves [from, to): resident i+1 votes once with key i+1. */
export function ballotPage(from: number, to: number): RawLog[] {
  const logs: RawLog[] = [];
  for (let i = from; i < to; i++) {
    const data = `0x${word(BigInt(i + 1))}${word(BigInt(i))}${word(syntheticChoices(i))}${word(1n)}${word(160n)}${word(65n)}${SIGNATURE}`;
    logs.push({
      address: BALLOT_BOX,
      topics: [EVENT_TOPICS.BallotCast, pollTopic, `0x${voterWord(i)}`],
      data,
      blockNumber: hex(FIRST_BALLOT_BLOCK + Math.floor(i / BALLOTS_PER_BLOCK)),
      transactionHash: `0x${(i + 1).toString(16).padStart(64, "0")}`,
      logIndex: hex(i % BALLOTS_PER_BLOCK),
    });
  }
  return logs;
}

export const SYNTHETIC_BALLOT_BOX = BALLOT_BOX;
