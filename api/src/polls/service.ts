/** Polls as residents and observers see them: on-chain shape, text from the chain, live tallies. */
import { decodePollContent, decodePollOutcome } from "../../../contracts/protocol";
import type { PollOutcome, PollStateName } from "../../../contracts/protocol";
import type { Chain } from "../chain/chain";
import { AppError, notFound } from "../errors";
import { ChainState } from "../indexer/chainState";
import type { PollTrees } from "../indexer/pollTrees";
import type { PollRow } from "../indexer/store";
import type { Eligible, EligibilityCounter } from "./eligibility";
import type { AreaResults } from "./areas";
import type { CensusService } from "../census/service";

export interface PollSummary {
  pollId: number;
  state: PollStateName;
  start: string;
  end: string;
  cityWide: boolean;
  districts: number[];
  revote: boolean;
  points: number;
  /** A secret poll: ballots prove census membership and name no voter. */
  secret: boolean;
  questions: PollRow["questions"];
  content: ReturnType<typeof decodePollContent>;
  contentHash: string;
  finalRoot: string | null;
  /** What the city decided, once staff publish it on-chain; null before (or if its text is altered). */
  outcome: PollOutcome | null;
  /** Ballots on the ledger, re-votes included, as indexed. */
  ballots: number;
  /** Residents whose ballot counts (each resident once), as indexed. */
  voters: number;
  eligible: Eligible;
}

/** Answers `fallback` for CENSUS_MISMATCH; rethrows anything else. */
function mismatched<T>(fallback: T) {
  return (err: unknown): T => {
    if (err instanceof AppError && (err.code === "CENSUS_MISMATCH" || err.code === "CENSUS_NOT_READY")) return fallback;
    throw err;
  };
}

export class PollService {
  constructor(
    private readonly chain: Chain,
    private readonly state: ChainState,
    private readonly trees: PollTrees,
    private readonly eligibility: EligibilityCounter,
    private readonly areaResults: AreaResults,
    private readonly censuses: CensusService,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async list(filter?: { state?: PollStateName; district?: number }): Promise<PollSummary[]> {
    const rows = this.state
      .allPolls()
      .filter((p) => filter?.district === undefined || p.cityWide || p.districts.includes(filter.district))
      .sort((a, b) => b.pollId - a.pollId);
    const eligible = await this.eligibility.forPolls(rows);
    return rows
      .map((p, i) => this.summary(p, eligible[i] ?? { registered: 0, enrolled: 0 }))
      .filter((p) => !filter?.state || p.state === filter.state);
  }

  async detail(pollId: number) {
    const poll = await this.state.poll(pollId);
    if (!poll) throw notFound("POLL_NOT_FOUND", `poll ${pollId} does not exist`);
    const [tallies, root, onChain, [eligible], { areas, rule }, census] = await Promise.all([
      this.chain.ballotBox.tallies(pollId),
      this.chain.ballotBox.ballotRoot(pollId),
      this.chain.ballotBox.poll(pollId),
      this.eligibility.forPolls([poll]),
      // A census that does not rebuild to its root, or not yet, is not served: the poll is shown without it.
      this.areaResults.of(poll).catch(mismatched({ areas: [], rule: null })),
      poll.census ? this.censuses.census(pollId).catch(mismatched(null)) : null,
    ]);
    return {
      ...this.summary(poll, eligible ?? { registered: 0, enrolled: 0 }),
      ballots: Number(onChain.ballots),
      tallies: tallies.map(String),
      ballotRoot: root,
      census: census
        ? {
            root: census.root,
            snapshotBlock: census.snapshotBlock,
            eligible: census.eligible,
            areaKind: census.areaKind,
          }
        : null,
      areas,
      rule,
    };
  }

  summary(p: PollRow, eligible: Eligible): PollSummary {
    const index = this.trees.get(p.pollId);
    return {
      pollId: p.pollId,
      state: ChainState.statusAt(p, this.nowSeconds()),
      start: new Date(p.start * 1000).toISOString(),
      end: new Date(p.end * 1000).toISOString(),
      cityWide: p.cityWide,
      districts: p.districts,
      revote: p.revote,
      points: p.points,
      secret: p.census !== null,
      questions: p.questions,
      content: decodePollContent(p.uri, p.contentHash),
      contentHash: p.contentHash,
      finalRoot: p.finalRoot,
      outcome: p.outcome ? decodePollOutcome(p.outcome.uri, p.outcome.hash) : null,
      ballots: index?.tree.size ?? 0,
      voters: index?.count.voters ?? 0,
      eligible,
    };
  }
}
