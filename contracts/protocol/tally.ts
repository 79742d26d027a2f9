/**
 * Recounting a poll from its BallotCast events: each resident's last ballot counts, and tallies are
 * the number of counted ballots that chose each option. The contract must agree after every ballot.
 */
import type { CastBallot } from "./ballot";

export class PollCount {
  private readonly counts: bigint[];
  /** Each voter's counted choices: by resident number, or by nullifier in a secret poll. */
  private readonly current = new Map<number | string, bigint>();
  private ballotCount = 0;

  constructor(readonly totalOptions: number) {
    this.counts = Array.from({ length: totalOptions }, () => 0n);
  }

  /** Counts the next ballot in chain order; a resident's earlier choices stop counting. */
  add(ballot: { resident: CastBallot["resident"] | string; choices: bigint }): void {
    const previous = this.current.get(ballot.resident);
    if (previous !== undefined) this.shift(previous, -1n);
    this.shift(ballot.choices, 1n);
    this.current.set(ballot.resident, ballot.choices);
    this.ballotCount++;
  }

  /** Stops counting a voter's ballot (a resident whose re-vote counts in another area). */
  withdraw(resident: CastBallot["resident"] | string): void {
    const previous = this.current.get(resident);
    if (previous === undefined) return;
    this.shift(previous, -1n);
    this.current.delete(resident);
  }

  tallies(): bigint[] {
    return [...this.counts];
  }

  /** Ballots added, re-votes included: the number of leaves in the tree. */
  get ballots(): number {
    return this.ballotCount;
  }

  /** Residents with a counted ballot. */
  get voters(): number {
    return this.current.size;
  }

  private shift(choices: bigint, by: bigint): void {
    for (let option = 0; option < this.totalOptions; option++) {
      if ((choices >> BigInt(option)) & 1n) this.counts[option] = (this.counts[option] ?? 0n) + by;
    }
  }
}
