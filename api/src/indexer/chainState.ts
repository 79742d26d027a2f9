/**
 * What the API must know about the chain to check a ballot cheaply before accepting it: voter keys,
 * polls, and each resident's last counted revision. Loaded from the index at start, kept current by
 * the follower (whichever instance writes the index), and filled from the contract directly for a key or poll the index has not reached yet.
 */
import { pollStateAt, pollStateName } from "../../../contracts/protocol";
import type { PollStateName, SecretCensus } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import type { IndexedBatch, FollowerListener } from "./follower";
import type { IndexerStore, PollRow, VoterRow } from "./store";

export class ChainState implements FollowerListener {
  private voters = new Map<string, VoterRow>();
  private polls = new Map<number, PollRow>();
  private revisions = new Map<string, number>();

  constructor(
    private readonly store: IndexerStore,
    private readonly chain: Chain,
  ) {}

  async reload(): Promise<void> {
    const [voters, polls, revisions] = await Promise.all([
      this.store.voters(),
      this.store.polls(),
      this.store.lastRevisions(),
    ]);
    this.voters = new Map(voters.map((v) => [v.key.toLowerCase(), v]));
    this.polls = new Map(polls.map((p) => [p.pollId, p]));
    this.revisions = new Map(revisions.map((r) => [revisionKey(r.pollId, r.nullifier ?? r.resident), r.revision]));
  }

  async afterCommit(batch: IndexedBatch): Promise<void> {
    let pollsChanged = false;
    for (const e of batch.events) {
      if (e.kind === "ballot") {
        const key = revisionKey(e.pollId, e.nullifier ?? e.resident);
        if ((this.revisions.get(key) ?? 0) < e.revision) this.revisions.set(key, e.revision);
      } else if (e.kind === "voterEnrolled") {
        this.voters.set(e.key.toLowerCase(), {
          key: e.key,
          resident: e.resident,
          residentHash: e.residentHash,
          district: e.district,
          active: true,
        });
      } else if (e.kind === "voterRevoked") {
        const known = this.voters.get(e.key.toLowerCase());
        if (known) known.active = false;
      } else if ("pollId" in e || e.kind === "pollCreated") {
        pollsChanged = true;
      }
    }
    if (pollsChanged) await this.reloadPolls();
  }

  /** An enrolment the API itself just saw mined; the indexer will confirm it. */
  noteEnrolment(change: { key: string; resident: number; district: number; revoked: string | null }): void {
    if (change.revoked) {
      const old = this.voters.get(change.revoked.toLowerCase());
      if (old) old.active = false;
    }
    const known = this.voters.get(change.key.toLowerCase());
    this.voters.set(change.key.toLowerCase(), {
      key: change.key,
      resident: change.resident,
      residentHash: known?.residentHash ?? "",
      district: change.district,
      active: true,
    });
  }

  afterRollback(): Promise<void> {
    return this.reload();
  }

  /** The key's registry record, asking the contract when the index has not seen it yet. */
  async voter(key: string): Promise<VoterRow | null> {
    const known = this.voters.get(key.toLowerCase());
    if (known?.active) return known;
    const [resident, district, active] = await this.chain.ballotBox.voter(key);
    if (resident === 0n) return null;
    const row: VoterRow = {
      key,
      resident: Number(resident),
      residentHash: known?.residentHash ?? "",
      district: Number(district),
      active,
    };
    return row;
  }

  async poll(pollId: number): Promise<PollRow | null> {
    const known = this.polls.get(pollId);
    if (known) return known;
    await this.reloadPolls();
    return this.polls.get(pollId) ?? (await this.pollFromContract(pollId));
  }

  allPolls(): PollRow[] {
    return [...this.polls.values()];
  }

  lastRevision(pollId: number, resident: number): number {
    return this.revisions.get(revisionKey(pollId, resident)) ?? 0;
  }

  /** The last counted revision of a nullifier (decimal) in a secret poll, 0 for none. */
  lastSecretRevision(pollId: number, nullifier: string): number {
    return this.revisions.get(revisionKey(pollId, nullifier)) ?? 0;
  }

  /** The district of an enrolled voter key, as the index knows it (a key's district never changes). */
  districtOf(key: string): number | null {
    return this.voters.get(key.toLowerCase())?.district ?? null;
  }

  /** The poll's state at `nowSeconds` by the contract's rule (contracts/protocol/pollState). */
  static statusAt(poll: PollRow, nowSeconds: number): PollStateName {
    const schedule = { ...poll, cancelled: poll.status === "cancelled", finalized: poll.status === "finalized" };
    return pollStateAt(schedule, nowSeconds);
  }

  private async reloadPolls(): Promise<void> {
    this.polls = new Map((await this.store.polls()).map((p) => [p.pollId, p]));
  }

  private async censusFromContract(pollId: number): Promise<SecretCensus> {
    const c = await this.chain.ballotBox.census(pollId);
    return {
      root: c.root,
      areas: Number(c.areas),
      eligible: Number(c.eligible),
      snapshotBlock: Number(c.snapshotBlock),
    };
  }

  private async pollFromContract(pollId: number): Promise<PollRow | null> {
    const count = await this.chain.ballotBox.pollCount();
    if (pollId < 1 || BigInt(pollId) > count) return null;
    const p = await this.chain.ballotBox.poll(pollId);
    const state = pollStateName(p.state);
    return {
      pollId,
      contentHash: p.contentHash,
      uri: p.uri,
      start: Number(p.start),
      end: Number(p.end),
      questions: p.questions.map((q) => ({ options: Number(q.options), maxChoices: Number(q.maxChoices) })),
      // Scope is checked on-chain by inScope() for polls the index has not reached.
      districts: [],
      revote: p.revote,
      points: Number(p.points),
      status: state === "Cancelled" ? "cancelled" : state === "Finalized" ? "finalized" : "scheduled",
      finalRoot: null,
      finalTallies: null,
      outcome: null,
      // The census the poll committed, as the contract keeps it: a secret poll shows as secret at once.
      census: p.secret ? await this.censusFromContract(pollId) : null,
      block: 0,
      txHash: "",
      cityWide: p.cityWide,
    };
  }
}

/** A resident number for open ballots, a nullifier (decimal text) for secret ones. */
function revisionKey(pollId: number, voter: number | string): string {
  return typeof voter === "number" ? `${pollId}:${voter}` : `${pollId}:n${voter}`;
}
