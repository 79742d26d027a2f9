/**
 * Secret polls' censuses, rebuilt by the API from the registry's indexed events with the protocol's
 * census rule (contracts/protocol/census.ts) at the poll's snapshot block, and held to the root the
 * poll committed on-chain: a census that does not match is never served or used. A census never
 * changes once its poll exists, so each is built once and kept.
 */
import type { Logger } from "pino";
import { buildingCode, censusAreaArguments, censusMembers, decodePollContent } from "../../../contracts/protocol";
import type { Census, CensusAreaArgument, CensusAreaKind } from "../../../contracts/protocol";
import { buildCensusOnThreads } from "../../../contracts/protocol/node/censusOnThreads";
import { AppError, conflict, notFound } from "../errors";
import type { ChainState } from "../indexer/chainState";
import type { IndexerStore, PollRow } from "../indexer/store";

export interface PollCensus extends Census {
  pollId: number;
  areaKind: CensusAreaKind;
  snapshotBlock: number;
  /** An area's leaf and path in the census tree, by area code, from the tree built once. */
  argumentOf: (area: number) => CensusAreaArgument | null;
  /** Where each counted resident stands, by resident number: the area and identity of the snapshot. */
  members: Map<number, { area: number; commitment: bigint }>;
}

/** The census kind a poll's content names; "district" when it names none. */
export function areaKindOf(poll: Pick<PollRow, "uri" | "contentHash">): CensusAreaKind {
  return decodePollContent(poll.uri, poll.contentHash)?.areas ?? "district";
}

export class CensusService {
  private readonly built = new Map<number, Promise<PollCensus>>();
  private labels: { at: number; byCode: Map<number, string> } | null = null;

  constructor(
    private readonly state: ChainState,
    private readonly store: IndexerStore,
    /** The register's building strings, for building labels. */
    private readonly buildings: () => Promise<string[]>,
    private readonly log: Logger,
  ) {}

  /** The poll's census; POLL_NOT_SECRET for an open poll, CENSUS_MISMATCH if it cannot be rebuilt. */
  async census(pollId: number): Promise<PollCensus> {
    const poll = await this.state.poll(pollId);
    if (!poll) throw notFound("POLL_NOT_FOUND", `poll ${pollId} does not exist`);
    if (!poll.census) throw conflict("POLL_NOT_SECRET", `poll ${pollId} is not a secret poll`);
    // A poll the index has not reached (read from the contract): the registry's events up to its
    // snapshot may not be indexed yet either, so the census cannot be rebuilt yet.
    if (poll.block === 0) throw new AppError("CENSUS_NOT_READY", 503, "the poll is not indexed yet; try again");
    let census = this.built.get(pollId);
    if (!census) {
      census = this.build(poll);
      this.built.set(pollId, census);
      // A failed build (say, a store hiccup) is tried again on the next request.
      census.catch(() => this.built.delete(pollId));
    }
    return census;
  }

  /** What castSecretBallot takes to place `area` in the census, or null if the area is not in it. */
  async areaArgument(pollId: number, area: number): Promise<CensusAreaArgument | null> {
    return (await this.census(pollId)).argumentOf(area);
  }

  /**
   * The area and identity commitment the census counted for a resident, or null if it counted none:
   * those of the snapshot block, which may differ from today's (the resident moved, or made a new
   * identity since).
   */
  async member(pollId: number, resident: number): Promise<{ area: number; commitment: bigint } | null> {
    return (await this.census(pollId)).members.get(resident) ?? null;
  }

  /** A human label for an area: "District 3", or the register's building string. */
  async label(kind: CensusAreaKind, area: number): Promise<string> {
    if (kind === "district") return `District ${area}`;
    const now = Date.now();
    if (!this.labels || now - this.labels.at > 60_000 || !this.labels.byCode.has(area)) {
      const byCode = new Map((await this.buildings()).map((b) => [buildingCode(b), b]));
      this.labels = { at: now, byCode };
    }
    return this.labels.byCode.get(area) ?? `Building ${area}`;
  }

  /** Forgets built censuses: after the index stepped back, they are rebuilt from what it holds now. */
  afterRollback(): void {
    this.built.clear();
  }

  private async build(poll: PollRow): Promise<PollCensus> {
    const onChain = poll.census!;
    const areaKind = areaKindOf(poll);
    const events = await this.store.registryEvents(onChain.snapshotBlock);
    const members = censusMembers(events, onChain.snapshotBlock, poll.districts, areaKind);
    // Off the main thread: a city-sized census is seconds of hashing, and requests keep being served.
    const census = await buildCensusOnThreads(members);
    const matches =
      census.root.toLowerCase() === onChain.root.toLowerCase() &&
      census.eligible === onChain.eligible &&
      census.areas.length === onChain.areas;
    if (!matches) {
      this.log.error(
        { pollId: poll.pollId, built: census.root, onChain: onChain.root, eligible: census.eligible },
        "the census rebuilt from the registry does not match the poll's census root",
      );
      throw new AppError(
        "CENSUS_MISMATCH",
        503,
        `poll ${poll.pollId}'s census cannot be rebuilt from the registry's events: its root does not match`,
      );
    }
    return {
      ...census,
      pollId: poll.pollId,
      areaKind,
      snapshotBlock: onChain.snapshotBlock,
      argumentOf: censusAreaArguments(census),
      members: new Map(members.map((m) => [m.resident, { area: m.area, commitment: m.commitment }])),
    };
  }
}
