/**
 * Who may vote in a poll, counted: registered residents of its districts (the city's register) and,
 * of them, those holding an active voter key (the chain's registry). Counts per district are cached
 * briefly, since the poll list asks for every poll at once; an indexed enrolment or revocation makes
 * the next answer count again (at most every two seconds, as enrolment days bring many).
 */
import type { FollowerListener, IndexedBatch } from "../indexer/follower";

export interface Eligible {
  /** Residents in the register for the poll's districts (or the whole city). */
  registered: number;
  /** Of those, residents with an active voter key on the chain. */
  enrolled: number;
}

export interface DistrictCounts {
  registered(): Promise<Map<number, number>>;
  enrolled(): Promise<Map<number, number>>;
}

const CACHE_MS = 10_000;
const MIN_RECOUNT_MS = 2_000;

export class EligibilityCounter implements FollowerListener {
  private cached: { at: number; registered: Map<number, number>; enrolled: Map<number, number> } | null = null;
  private stale = false;

  constructor(
    private readonly counts: DistrictCounts,
    private readonly now: () => number = Date.now,
  ) {}

  async forPolls(polls: readonly { cityWide: boolean; districts: readonly number[] }[]): Promise<Eligible[]> {
    const { registered, enrolled } = await this.snapshot();
    const sum = (counts: Map<number, number>, poll: { cityWide: boolean; districts: readonly number[] }) =>
      poll.cityWide
        ? [...counts.values()].reduce((a, b) => a + b, 0)
        : poll.districts.reduce((a, d) => a + (counts.get(d) ?? 0), 0);
    return polls.map((p) => ({ registered: sum(registered, p), enrolled: sum(enrolled, p) }));
  }

  /** Registered residents per district: who may vote in each district of an open poll. */
  async registeredByDistrict(): Promise<Map<number, number>> {
    return (await this.snapshot()).registered;
  }

  afterCommit(batch: IndexedBatch): void {
    if (batch.events.some((e) => e.kind === "voterEnrolled" || e.kind === "voterRevoked")) this.stale = true;
  }

  afterRollback(): void {
    this.stale = true;
  }

  private async snapshot() {
    const age = this.cached ? this.now() - this.cached.at : Infinity;
    if (this.cached && (age < MIN_RECOUNT_MS || (!this.stale && age < CACHE_MS))) return this.cached;
    this.stale = false;
    const [registered, enrolled] = await Promise.all([this.counts.registered(), this.counts.enrolled()]);
    this.cached = { at: this.now(), registered, enrolled };
    return this.cached;
  }
}
