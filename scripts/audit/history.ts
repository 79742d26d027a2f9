/**
 * A poll's history as the audit replays it: the poll's definition and lifecycle, every ballot with
 * where it sits in the chain, and the voter registry's changes. Decoding is the protocol's
 * (contracts/protocol/events); this file only adds positions and keeps what the checks need.
 */
import { decodeBallotCast, decodeEvent, positionOf } from "../../contracts/protocol";
import type { CastBallot, PollParams, Position, RawLog } from "../../contracts/protocol";

export { before } from "../../contracts/protocol";
export type { Position } from "../../contracts/protocol";

/** A counted ballot: its BallotCast fields (voter lower-case), position and transaction. */
export interface BallotRecord extends CastBallot, Position {
  txHash: string;
}

export type RegistryEvent =
  | ({ kind: "enrolled"; resident: number; key: string; district: number } & Position)
  | ({ kind: "revoked"; resident: number; key: string } & Position);

export interface PollDefinition extends Pick<PollParams, "questions" | "districts" | "revote" | "start" | "end"> {
  pollId: bigint;
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

export function ballotRecord(log: RawLog): BallotRecord {
  const { name: _name, ...ballot } = decodeBallotCast(log);
  return { ...ballot, ...positionOf(log), txHash: log.transactionHash };
}

export function registryEvent(log: RawLog): RegistryEvent | null {
  const e = decodeEvent(log);
  if (e?.name === "VoterEnrolled") {
    return { kind: "enrolled", ...positionOf(log), resident: e.resident, key: e.key, district: e.district };
  }
  if (e?.name === "VoterRevoked") return { kind: "revoked", ...positionOf(log), resident: e.resident, key: e.key };
  return null;
}

/** The poll's definition and lifecycle from its PollCreated/Closed/Cancelled/Finalized logs. */
export function decodeLifecycle(logs: readonly RawLog[]): { poll: PollDefinition | null; lifecycle: PollLifecycle } {
  let poll: PollDefinition | null = null;
  const lifecycle: PollLifecycle = {};
  for (const log of logs) {
    const e = decodeEvent(log);
    const at = positionOf(log);
    if (e?.name === "PollCreated") {
      const { questions, districts, revote, start, end } = e.poll;
      poll = { pollId: e.pollId, questions, districts, revote, start, end, created: at };
    } else if (e?.name === "PollClosed") lifecycle.closed = { end: e.end, at };
    else if (e?.name === "PollCancelled") lifecycle.cancelled = { at };
    else if (e?.name === "PollFinalized") {
      lifecycle.finalized = { ballots: e.ballots, root: e.root, tallies: e.tallies, at };
    }
  }
  return { poll, lifecycle };
}
