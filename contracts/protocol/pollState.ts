/**
 * A poll's state, as the contract's `state(pollId)` derives it: staff actions first (cancelled,
 * finalized), then the schedule. The window is half-open: a poll is Active from `start` up to, not
 * including, `end` (block timestamps, seconds); closing a poll early sets `end` to the closing block's time.
 */

/** Poll states in the order of the contract's enum (`state(pollId)` answers the index). */
export const POLL_STATES = ["Pending", "Active", "Closed", "Cancelled", "Finalized"] as const;
export type PollStateName = (typeof POLL_STATES)[number];

/** The name of the contract's enum value `index`; throws on a value the contract never returns. */
export function pollStateName(index: number | bigint): PollStateName {
  const name = POLL_STATES[Number(index)];
  if (name === undefined) throw new RangeError(`no poll state ${index}`);
  return name;
}

export interface PollSchedule {
  start: number;
  end: number;
  cancelled: boolean;
  finalized: boolean;
}

/** The state at block time `now` (seconds). */
export function pollStateAt(poll: PollSchedule, now: number): PollStateName {
  if (poll.cancelled) return "Cancelled";
  if (poll.finalized) return "Finalized";
  if (now < poll.start) return "Pending";
  if (now < poll.end) return "Active";
  return "Closed";
}
