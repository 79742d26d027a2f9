/**
 * How a secret poll's ballots count, as the ballot box counts them and every recount replays them
 * (`veche audit`, the explorer's recount in the browser): ballots in leaf order; a nullifier's ballot
 * counts in its census area; in a re-vote poll a later ballot of the same nullifier counts only with a
 * higher revision (at most 0xffff) from the same area, and replaces the earlier one's choices; in a
 * one-vote poll a nullifier votes once, with revision 1. A ballot that breaks the rule is named, with
 * a stable code, and not counted.
 */
import { MAX_REVISION } from "./choices";
import type { CastSecretBallot } from "./events";
import { secretBallotLeaf } from "./secretBallot";
import { PollCount } from "./tally";

export type SecretCountProblemCode = "LEAF_INDEX_MISMATCH" | "AREA_UNKNOWN" | "AREA_CHANGED" | "REVISION_INVALID";

export interface SecretCountProblem {
  code: SecretCountProblemCode;
  leafIndex: number;
  message: string;
}

export class SecretCount {
  readonly total: PollCount;
  private readonly byArea = new Map<number, PollCount>();
  private readonly last = new Map<bigint, { revision: bigint; area: number }>();
  /** The ballot tree's leaves, one per ballot read, counted or not. */
  readonly leaves: string[] = [];

  constructor(
    private readonly totalOptions: number,
    private readonly revote: boolean,
    /** The census's areas: a ballot from any other area is not counted. */
    areas: readonly number[],
    /** The leaf's hash; Node's audit passes its native one. */
    private readonly leafOf: (b: CastSecretBallot) => string = secretBallotLeaf,
  ) {
    this.total = new PollCount(totalOptions);
    for (const area of areas) this.byArea.set(area, new PollCount(totalOptions));
  }

  /** Counts the next ballot; returns what it breaks of the rule (then it is not counted). */
  add(b: CastSecretBallot): SecretCountProblem[] {
    const problems: SecretCountProblem[] = [];
    const problem = (code: SecretCountProblemCode, message: string) =>
      problems.push({ code, leafIndex: b.leafIndex, message: `leaf ${b.leafIndex}: ${message}` });
    if (b.leafIndex !== this.leaves.length) {
      problem("LEAF_INDEX_MISMATCH", `expected leaf index ${this.leaves.length}`);
    }
    this.leaves.push(this.leafOf(b));
    const area = this.byArea.get(b.area);
    if (!area) problem("AREA_UNKNOWN", `area ${b.area} is not in the poll's census`);
    const previous = this.last.get(b.nullifier);
    if (previous && previous.area !== b.area) {
      problem("AREA_CHANGED", `nullifier ${b.nullifier} voted from area ${previous.area} before`);
    }
    const revisionOk = this.revote
      ? b.revision > (previous?.revision ?? 0n) && b.revision <= BigInt(MAX_REVISION)
      : !previous && b.revision === 1n;
    if (!revisionOk) {
      problem(
        "REVISION_INVALID",
        `revision ${b.revision} after ${previous?.revision ?? 0n} for nullifier ${b.nullifier}`,
      );
    }
    if (problems.length > 0) return problems;
    this.last.set(b.nullifier, { revision: b.revision, area: b.area });
    const voter = b.nullifier.toString();
    this.total.add({ resident: voter, choices: b.choices });
    area!.add({ resident: voter, choices: b.choices });
    return problems;
  }

  /** An area's count; all zero for an area without ballots. */
  area(area: number): PollCount {
    return this.byArea.get(area) ?? new PollCount(this.totalOptions);
  }
}
