/**
 * What an instance that does not write the index hears: the rows another instance stored, turned back
 * into the events its listeners take. A voter row says where its key stands after the blocks read.
 */
import type { ChainEvent } from "./events";
import type { IndexedBallotRow, PollRow, VoterChange } from "./store";

export function changesAsEvents(
  ballots: readonly IndexedBallotRow[],
  voters: readonly VoterChange[],
  polls: readonly PollRow[],
): { events: ChainEvent[]; blockTimes: Map<number, number> } {
  const events: ChainEvent[] = [];
  const blockTimes = new Map<number, number>();
  const at = (block: number, txHash = "") => ({ block, blockHash: "", txHash, logIndex: 0 });
  for (const v of voters) {
    events.push(
      v.active
        ? {
            kind: "voterEnrolled",
            ...at(v.block),
            residentHash: v.residentHash,
            resident: v.resident,
            key: v.key,
            district: v.district,
          }
        : { kind: "voterRevoked", ...at(v.block), resident: v.resident, key: v.key },
    );
  }
  for (const p of polls) events.push({ kind: "pollCreated", ...at(p.block, p.txHash), poll: p });
  for (const b of ballots) {
    const { time, ...ballot } = b;
    events.push({ kind: "ballot", ...ballot, blockHash: "" });
    if (time !== null) blockTimes.set(b.block, time);
  }
  return { events, blockTimes };
}
